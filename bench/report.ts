import { applyRows, applySection, startRows, storeNote, syncRows, syncSection, table, webhookRows, webhookSection } from './report-process.js'
import type { ApplyResult } from './apply-processes.js'
import type { BigStore } from './big-store.js'
import { cliStartSection, type CliStartResult } from './cli-start.js'
import type { LatencyResult } from './latency.js'
import { latencyConnectionBatchSize, latencyExecutionBatchSize, latencyMs, latencyNames, latencyShape, naiveSample } from './latency.js'
import { quick } from './sizes.js'
import type { StreamResult } from './stream.js'
import { peakOf, streamShape } from './stream.js'
import type { SyncResult } from './sync.js'
import type { WebhookResult } from './webhook.js'
import { seconds, type Machine } from './support.js'

/** Every figure is optional: BENCH_ONLY runs some of them. */
export interface Results {
  readonly machine: Machine
  readonly load: { readonly before: readonly number[]; readonly after: readonly number[] }
  readonly apply?: ApplyResult
  readonly cli?: CliStartResult
  readonly store?: BigStore
  readonly sync?: SyncResult
  readonly webhook?: WebhookResult
  readonly latency?: LatencyResult
  readonly stream?: StreamResult
  readonly analysis: string
}

export const speedupTarget = 25
export const memoryTargetBytes = 300e6

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
const x = (ratio: number) => `${ratio.toFixed(ratio < 10 ? 2 : 0)}×`
const yes = (met: boolean) => (met ? '**yes**' : '**no**')

/** The headline table, as Markdown (also what the bench prints). */
export function summaryTable(r: Results): string {
  const rows: string[][] = []
  if (r.apply) rows.push(...applyRows(r.apply))
  if (r.cli) rows.push(...startRows(r.cli, r.store))
  if (r.sync) rows.push(...syncRows(r.sync))
  if (r.webhook) rows.push(...webhookRows(r.webhook))
  if (r.latency) {
    const latency = r.latency
    for (const [name, main] of [[latencyNames.memory, true], [latencyNames.pglite, false]] as const) {
      const ms = latency.medians.get(name)!.median
      const speedup = latency.naive.extrapolatedMs / ms
      rows.push([
        `5. ${latency.changes.toLocaleString('en-US')} changes through a +${latencyMs} ms/round-trip proxy (library call): **${name}**${main ? '' : ' (not the headline)'}`,
        `${seconds(ms)} vs naive ≈ ${seconds(latency.naive.extrapolatedMs)} (extrapolated) = **${x(speedup)} faster**`,
        main ? `≥ ${speedupTarget}× faster than naive` : `(≥ ${speedupTarget}× is judged on the main row)`,
        main ? yes(speedup >= speedupTarget) : `— (${speedup >= speedupTarget ? 'would meet' : 'would miss'})`,
      ])
    }
  }
  if (r.stream) {
    r.stream.runs.forEach((run, i) => {
      const peak = peakOf(run)
      rows.push([
        `6. 1,000,000 events streamed through planning (library call), flushing at ${run.flushEvery.toLocaleString('en-US')} pending keys${i === 0 ? '' : ' (not the headline)'}`,
        `peak RSS **${mb(peak)}**`,
        i === 0 ? `≤ ${mb(memoryTargetBytes)}` : `(≤ ${mb(memoryTargetBytes)} is judged on the first flush interval)`,
        i === 0 ? yes(peak <= memoryTargetBytes) : `— (${peak <= memoryTargetBytes ? 'would meet' : 'would miss'})`,
      ])
    })
  }
  return table(['figure', 'measured', 'target', 'met?'], rows)
}

function libraryRunsTable(medians: Map<string, { median: number; runs: number[] }>, first: Map<string, number> = new Map()): string {
  return table(
    ['variant', 'warm-up', 'run 1', 'run 2', 'run 3', 'median'],
    [...medians].map(([name, m]) => [name, first.has(name) ? seconds(first.get(name)!) : '—', ...m.runs.map(seconds), `**${seconds(m.median)}**`]),
  )
}

function latencySection(latency: LatencyResult): string {
  return `## 5. 5,000 changes through a 20 ms round trip (library calls)

- A TCP proxy on loopback (test/support/tcp-proxy.ts, \`latencyMs: ${latencyMs}\`: each direction delays by
  half) in front of the local PostgreSQL. ${latencyShape.tables} tables × (1 + ${latencyShape.columns} columns) = ${latency.changes.toLocaleString('en-US')} description changes as
  OpenMetadata events, in a fresh database.
- revmeta, **timed as library calls inside the bench's process** (not a process per run, unlike
  figures 1–4): \`loadConfig\`, \`loadInput\`, then \`run(config, input, { apply: true })\` or, for the durable
  row, \`withStore\` + \`applyDurably\`; each run reports every change applied and verified, or the bench fails; connecting through the proxy (connection set-up,
  read-back, execution and verification all pay the latency; the durable row's store is local).
  Configuration: connection \`batchSize: ${latencyConnectionBatchSize}\` (every statement in one round trip), \`execution.batchSize: ${latencyExecutionBatchSize}\`.
- Naive: a plain \`pg\` client through the same proxy runs one \`COMMENT\` per change, one after
  another, each its own round trip (autocommit). **Only the first ${naiveSample} statements are run**
  (${seconds(latency.naive.sampleMs)}, ${latency.naive.perStatementMs.toFixed(2)} ms each); the figure for ${latency.changes.toLocaleString('en-US')} is that time × ${latency.changes / naiveSample}, linear because each
  statement is one round trip. Connecting is not counted for naive (in its favour).

${libraryRunsTable(latency.medians, latency.firstRuns)}
`
}

function streamSection(stream: StreamResult): string {
  return `## 6. 1,000,000 events streamed through planning (library calls)

- The bench writes ${(1e6).toLocaleString('en-US')} OpenMetadata ChangeEvents as JSON lines (${mb(stream.fileBytes)}) to a temp
  directory, streaming, then plans the file in a **fresh child process** with \`planEventStream\`
  (src/engine/plan-event-stream.ts, what \`revmeta apply\` runs on a large input): each event read
  (\`streamEvents\`), normalized, routed and coalesced as it arrives, the operations flushed at N
  pending keys (here counted and dropped; \`revmeta apply\` enqueues them).
- Events: ${streamShape.tables.toLocaleString('en-US')} tables × (1 + ${streamShape.columns} columns) = ${(streamShape.tables * (1 + streamShape.columns)).toLocaleString('en-US')} assets, each edited ${1e6 / (streamShape.tables * (1 + streamShape.columns))}
  times, table by table, so a flush window never sees the same asset twice (no coalescing: the
  planner holds as many drafts as it can).
- Memory: the child samples its RSS every 5 ms, and at the end reads the kernel's high-water marks:
  \`VmHWM\` from /proc/self/status and \`process.resourceUsage().maxRSS\` (maxRSS can also carry memory
  of the parent process from the spawn: an early run of this bench saw 212 MB for an empty child,
  so this figure runs first, while the bench process is small).
  The peak judged is the highest of the three. An empty \`node\` process peaks at ${mb(stream.emptyProcess.node)}; with
  the tsx loader the child runs under (its own worker thread), ${mb(stream.emptyProcess.tsx)}: that much is not revmeta's.

${table(
  ['flush at (pending keys)', 'events', 'operations', 'flushes', 'max pending keys', 'RSS at start', 'sampled peak', 'VmHWM', 'maxRSS', 'time', 'events/s'],
  stream.runs.map((s) => [
    s.flushEvery.toLocaleString('en-US'),
    s.events.toLocaleString('en-US'),
    s.operations.toLocaleString('en-US'),
    String(s.flushes),
    s.maxPendingKeys.toLocaleString('en-US'),
    mb(s.startRss),
    mb(s.sampledPeak),
    mb(s.vmHwm),
    mb(s.maxRss),
    seconds(s.elapsedMs),
    Math.round(s.events / (s.elapsedMs / 1000)).toLocaleString('en-US'),
  ]),
)}
`
}

export function renderReport(r: Results): string {
  const m = r.machine
  const load = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(', ')
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts; \`BENCH_QUICK=1\` shrinks every size and writes its report to a
temp file instead); not part of \`npm test\`. **Figures 1–4 measure revmeta as a user runs it**: the
built command line (\`node bin/revmeta.js …\`, compiled dist/) as a separate process per run, timed
from spawn to exit, or \`revmeta serve\` over HTTP, against a baseline run the same way; the bench
never reaches into revmeta's store, so it measures whichever store revmeta has. Figures 5 and 6
predate them and time **library calls** inside the bench's own process.${quick ? '\n\n**QUICK RUN (BENCH_QUICK=1): reduced sizes, not the figures of issue 17.**' : ''}

${summaryTable(r)}

## Machine

| | |
|---|---|
| CPU | ${m.cpu} |
| cores | ${m.cores} |
| memory | ${m.memory} |
| OS | ${m.os} |
| Node | ${m.node} (revmeta as users run it: compiled to dist/ by npm run build; the bench's own code runs through tsx) |
| PostgreSQL | ${m.postgres} |
| psql | ${m.psql} |
| date | ${m.date} |
| revmeta measured | ${m.revision} |
| load average (1, 5, 15 min) | before ${load(r.load.before)}; after ${load(r.load.after)} |

The machine is shared: a load average near or above the core count (2) means other work ran beside
the bench, and every figure is then slower and noisier, baselines included. Ratios are taken
within one run, variants interleaved round by round, for that reason.

${r.apply ? applySection(r.apply) : ''}
${r.cli ? cliStartSection(r.cli) : ''}
${r.sync && r.store ? syncSection(r.sync, r.store) : ''}
${r.webhook ? webhookSection(r.webhook) : ''}
${r.latency ? latencySection(r.latency) : ''}
${r.stream ? streamSection(r.stream) : ''}
${r.analysis.trim()}
`
}
