import { applyConnectionBatchSize, applyNames, applyShape, applyTargets, type ApplyResult } from './apply-processes.js'
import { bigShape, historyService, type BigStore } from './big-store.js'
import { cliStartTargetMs, type CliStartResult } from './cli-start.js'
import { sizes } from './sizes.js'
import { syncNames, syncTarget, type SyncResult } from './sync.js'
import { pollEveryMs, webhookTargetMs, type WebhookResult } from './webhook.js'
import { seconds } from './support.js'

/** The process-level figures (1–4) of docs/benchmarks.md: summary rows and sections. */

export const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
export const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n')
const n = (v: number) => v.toLocaleString('en-US')
const x = (ratio: number) => `${ratio.toFixed(ratio < 10 ? 2 : 0)}×`
const ms = (v: number) => `${v.toFixed(0)} ms`

/** "yes", or "no: 2.4× over" — by how much it misses, as the issue asks. */
export const met = (value: number, limit: number, unit: 'ratio' | 'ms') =>
  value <= limit ? '**yes**' : `**no**: ${unit === 'ratio' ? `${x(value / limit)} the target (${x(value)} vs ${x(limit)})` : `${x(value / limit)} the target (+${ms(value - limit)})`}`

export function applyRows(r: ApplyResult): string[][] {
  const base = r.medians.get(applyNames.oneQuery)!.median
  const psql = r.medians.get(applyNames.psql)!.median
  const head = `1. ${n(r.changes)} description changes → local PostgreSQL, as processes`
  return [
    [`${head}: psql -1 -f (reference)`, `${seconds(psql)} = **${x(psql / base)}** baseline (${seconds(base)})`, '—', '—'],
    ...[...applyTargets].map(([name, limit]) => {
      const ratio = r.medians.get(name)!.median / base
      return [`${head}: **${name}**`, `${seconds(r.medians.get(name)!.median)} = **${x(ratio)}** baseline (${seconds(base)})`, `≤ ${limit}× baseline`, met(ratio, limit, 'ratio')]
    }),
  ]
}

export function startRows(r: CliStartResult, store: BigStore | undefined): string[][] {
  return r.variants.slice(1).filter((v) => !v.name.includes('(empty store)') && !v.name.endsWith('--help') || v.name === 'revmeta --help').map((v) => {
    const t = r.times.get(v.name)!.median
    const what = v.name === 'revmeta runs' && store ? `${v.name} (store of ${n(store.operations)} operations)` : v.name
    return [`2. **${what}**, wall time`, `${ms(t)} (node -e 0: ${ms(r.times.get(r.variants[0]!.name)!.median)})`, `< ${cliStartTargetMs} ms`, met(t, cliStartTargetMs, 'ms')]
  })
}

export function syncRows(r: SyncResult): string[][] {
  const read = r.runs.get(syncNames.read)!.median
  const sync = r.runs.get(syncNames.sync)!.median
  return [
    [
      `3. **revmeta sync**, ${n(r.columns)} columns, ${n(r.drifted)} drifted`,
      `${seconds(sync)} = **${x(sync / read)}** one bulk read (${seconds(read)}); wrote exactly ${n(r.drifted)} (checked)`,
      `≤ ${syncTarget}× one bulk read`,
      met(sync / read, syncTarget, 'ratio'),
    ],
  ]
}

export function webhookRows(r: WebhookResult): string[][] {
  const head = `4. webhook → applied, **revmeta serve** (embedded store), ${r.rate}/s for ${r.seconds} s`
  return [
    [`${head}: p99 latency`, `p50 ${ms(r.p50)}, **p99 ${ms(r.p99)}**, max ${ms(r.max)}`, `p99 < ${webhookTargetMs} ms`, met(r.p99, webhookTargetMs, 'ms')],
    [`${head}: lost`, `**${n(r.lost)}** of ${n(r.sent)} (${n(r.refused)} refused${r.refused ? `: ${Object.entries(r.refusedBy).map(([k, v]) => `${v}× ${k}`).join(', ')}` : ''})`, '0', r.lost === 0 && r.refused === 0 ? '**yes**' : '**no**'],
  ]
}

function runsTable(medians: Map<string, { median: number; runs: number[] }>, first: Map<string, number>): string {
  const rounds = Math.max(...[...medians.values()].map((m) => m.runs.length))
  return table(
    ['variant', 'warm-up', ...Array.from({ length: rounds }, (_, i) => `run ${i + 1}`), 'median'],
    [...medians].map(([name, m]) => [name, first.has(name) ? seconds(first.get(name)!) : '—', ...m.runs.map(seconds), `**${seconds(m.median)}**`]),
  )
}

export function applySection(r: ApplyResult): string {
  return `## 1. ${n(r.changes)} description changes, as a user runs revmeta

- Schema: ${n(applyShape.tables)} tables of ${applyShape.columns} text columns, 200 tables per schema, in a fresh database
  created and dropped by the bench. Changes: each table's description and each of its columns'
  (${n(r.changes)}), as OpenMetadata \`entityUpdated\` ChangeEvents (\`description\` and
  \`columns.<name>.description\` in \`fieldsUpdated\`), one JSON array file.
- Every variant is **its own process started by the bench**, timed from spawn to exit; revmeta is the
  built CLI (\`node bin/revmeta.js apply -c revmeta.yaml --events events.json\`, compiled dist/), its
  report (the default text output) written to a file. Variants interleaved round by round, a warm-up
  round then ${sizes.applyRounds} timed rounds, medians; before each run the bench comments are cleared, \`pg_description\`
  vacuumed and a \`CHECKPOINT\` taken.
- **Baseline**: a tiny Node client (bench/one-query-client.mjs, \`pg\`) sends the same ${n(r.changes)}
  \`COMMENT ON …\` statements as **one query string** (\`BEGIN; …; COMMIT;\`, simple protocol, one round
  trip, one transaction): the database's own time plus Node's start-up and one connection.
  \`psql -X -q -1 -f\` (one round trip per statement) is shown for reference.
- The embedded store lives in a temp dir kept across rounds, as a user's \`.revmeta/store\` is, so
  later runs find the history of the earlier ones; the warm-up run creates it. The PostgreSQL store
  is a database of the same local server (\`store.url\`). \`--no-store\` applies in memory.
- Each run must leave all ${n(r.changes)} comments in \`pg_description\` and revmeta must report them applied,
  or the bench fails. The events and the SQL mean the same thing: after the baseline ran,
  \`revmeta plan\` found every operation already in place (${r.equivalent ? 'checked' : 'FAILED'}).
- Configuration: connection \`batchSize: ${applyConnectionBatchSize}\` (default 200); everything else default.

${runsTable(r.medians, r.firstRuns)}
`
}

export function storeNote(store: BigStore): string {
  return `\`revmeta runs\` reads an embedded store holding **${n(store.operations)} operations**: filled by one
\`revmeta apply --json\` of ${n(bigShape.tables * bigShape.columns)} column descriptions (${seconds(store.fillMs)}; \`--json\` because the text table of 100,000 rows takes minutes, see the analysis), then \`revmeta ingest\` of the same
${n(bigShape.tables * bigShape.columns)} columns into the built-in catalog (${seconds(store.ingestMs)}); the store figure 3 syncs from.`
}

export function syncSection(r: SyncResult, store: BigStore): string {
  return `## 3. Batch sync of ${n(r.columns)} columns, 1% drift

- A database of ${n(bigShape.tables)} tables × ${bigShape.columns} text columns (${n(r.columns)} columns), every column described.
  The store and built-in catalog of figure 2: the descriptions were applied through a second
  service on the same database (\`${historyService}\`: the synthetic events' versions would otherwise
  supersede the catalog's), then \`revmeta ingest --service bench\` filled the catalog (${seconds(store.ingestMs)}).
- Before each round the bench changes ${n(r.drifted)} column comments in the database by hand (every
  ${sizes.driftEvery}th column), vacuums \`pg_description\` and takes a \`CHECKPOINT\`. Then, interleaved:
  - **baseline**: a tiny client process (bench/bulk-read-client.mjs) reads every bench table's and
    column's description in one query (\`pg_class\` ⋈ \`pg_attribute\` ⟕ \`pg_description\`, ${n(r.columns + bigShape.tables)} rows);
  - \`revmeta sync -c revmeta.yaml --service bench\` (built CLI, own process, default output to a file).
- Checked after every sync: exactly ${n(r.drifted)} \`pg_description\` rows written (rows whose \`xmin\` is newer
  than a transaction id taken just before; a \`COMMENT\` rewrites its row even with the same text, so
  a sync that rewrote everything would show), none of the drifted texts left, revmeta's summary
  saying ${n(r.drifted)} applied, and the catalog's text back on a drifted column. Written per round: ${r.written.join(', ')}.
  revmeta reported: ${r.reported}.

${runsTable(r.runs, r.firstRuns)}
`
}

export function webhookSection(r: WebhookResult): string {
  return `## 4. Webhook → applied, \`revmeta serve\` on the embedded store

- \`revmeta serve\` (built CLI, own process, default log level) on a fresh embedded store, with
  \`catalog.webhookSecret\` set and a viewer token made beforehand with \`revmeta token create\` (used for
  \`/healthz\`). The database: ${n(Math.ceil(r.sent / 10))} tables × (1 + 9 columns), one object per event.
- The bench posts **${r.rate} signed events a second for ${r.seconds} s** (${n(r.sent)} events, one per request,
  \`X-OM-Signature\` as OpenMetadata signs it), each on its schedule without waiting for earlier
  answers (the sender was at most ${ms(r.sendLagMaxMs)} behind schedule). 20 warm-up events go first, uncounted.
- Latency: from just before the request is sent until the comment is visible in PostgreSQL. A
  poller runs one query for every outstanding event every ${pollEveryMs} ms (\`description = ANY(…)\`), and an
  event counts as visible at the start of the poll that saw it: up to ${pollEveryMs} ms late, never early.
  Lost: events not visible ${30} s after the last was sent.

${table(['sent', 'refused (non-200 or no answer)', 'lost', 'p50', 'p99', 'max', 'elapsed'], [[n(r.sent), `${n(r.refused)}${r.refused ? ` (${Object.entries(r.refusedBy).map(([k, v]) => `${v}× ${k}`).join(', ')})` : ''}`, n(r.lost), ms(r.p50), ms(r.p99), ms(r.max), seconds(r.elapsedMs)]])}
`
}
