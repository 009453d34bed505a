import type { BigStore } from './big-store.js'
import { bigColumns, bigShape } from './big-store.js'
import { benchFile, nodeProcess, revmeta, summaryCounts } from './processes.js'
import { sizes } from './sizes.js'
import { columnOf, columnText, connect, median, schemaOf, service, tableOf } from './support.js'

/**
 * Figure 3: `revmeta sync` of the service's 100,000 columns, the built-in catalog filled by
 * `revmeta ingest`, after 1% of the columns drifted in the database; against one bulk read of the
 * same metadata by a tiny client process. Interleaved round by round, the drift made again before each.
 */
export const syncTarget = 2
export const syncNames = { read: 'one bulk read (baseline)', sync: 'revmeta sync' } as const

export interface SyncResult {
  readonly columns: number
  readonly drifted: number
  readonly runs: Map<string, { median: number; runs: number[] }>
  readonly firstRuns: Map<string, number>
  /** Per timed sync: rows of pg_description the sync wrote (by their xmin) and what revmeta reported. */
  readonly written: number[]
  readonly reported: string
}

const driftedColumns = () => {
  const list: { t: number; c: number }[] = []
  for (let k = 0; k < bigColumns; k += sizes.driftEvery) list.push({ t: Math.floor(k / bigShape.columns), c: k % bigShape.columns })
  return list
}

export async function benchSync(store: BigStore, log: (line: string) => void): Promise<SyncResult> {
  const drift = driftedColumns()
  log(`figure 3: revmeta sync of ${bigColumns} columns, ${drift.length} drifted`)
  const db = await connect(store.database)
  try {
    const column = ({ t, c }: { t: number; c: number }) => `${schemaOf(t)}.${tableOf(t)}.${columnOf(c)}`
    const driftSql = drift.map((d) => `COMMENT ON COLUMN ${column(d)} IS 'Drifted: edited in the database by hand (${d.t}/${d.c}).';`).join('\n')
    const restored = `SELECT count(*)::int AS n FROM pg_catalog.pg_description WHERE description LIKE 'Drifted: %'`
    // pg_description rows written after `mark`: a COMMENT rewrites its row even with the same text, so this counts every write.
    const writtenSince = `SELECT count(*)::int AS n FROM pg_catalog.pg_description WHERE classoid = 'pg_catalog.pg_class'::regclass AND xmin::text::bigint >= $1::bigint`
    const runs = new Map<string, number[]>([[syncNames.read, []], [syncNames.sync, []]])
    const firstRuns = new Map<string, number>()
    const written: number[] = []
    let reported = ''
    // No warm-up round at full size (each sync of 100,000 columns takes minutes on a busy machine):
    // the ingest just before has read the same database and store; the median of the rounds absorbs a cold first one.
    for (let round = sizes.syncWarmUp ? 0 : 1; round <= sizes.syncRounds; round++) {
      await db.query(`BEGIN;\n${driftSql}\nCOMMIT;`)
      await db.query('VACUUM ANALYZE pg_catalog.pg_description')
      await db.query('CHECKPOINT')
      const read = await nodeProcess([benchFile('bulk-read-client.mjs'), store.database], store.out)
      if (read.code !== 0 || Number(read.stdout.trim()) !== bigColumns + bigShape.tables) throw new Error(`bulk read: exit ${read.code}, ${read.stdout.trim()} rows: ${read.stderr}`)
      const mark = (await db.query<{ x: string }>(`SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text AS x`)).rows[0]!.x
      const sync = await revmeta(['sync', '-c', store.config, '--service', service], store.out)
      const counts = summaryCounts(sync.stdout, 'sync')
      const wrote = (await db.query<{ n: number }>(writtenSince, [mark])).rows[0]!.n
      const left = (await db.query<{ n: number }>(restored)).rows[0]!.n
      if (wrote !== drift.length || left !== 0 || counts.get('applied') !== drift.length) {
        throw new Error(`sync wrote ${wrote} comments (${left} drifted left), reported ${JSON.stringify([...counts])}; expected exactly ${drift.length}`)
      }
      reported = [...counts].map(([k, n]) => `${n} ${k}`).join(', ')
      for (const [name, ms] of [[syncNames.read, read.ms], [syncNames.sync, sync.ms]] as const) {
        if (round === 0) firstRuns.set(name, ms)
        else runs.get(name)!.push(ms)
        log(`  ${round === 0 ? 'warm-up' : `round ${round}`}  ${name.padEnd(26)} ${(ms / 1000).toFixed(3)} s`)
      }
      if (round > 0) written.push(wrote)
    }
    // What the catalog holds is what the sync restored: spot-check one drifted column's text.
    const first = drift[0]!
    const text = (await db.query<{ d: string }>(`SELECT col_description('${schemaOf(first.t)}.${tableOf(first.t)}'::regclass, ${first.c + 1}) AS d`)).rows[0]!.d
    if (text !== columnText(first.t, first.c)) throw new Error(`sync restored ${JSON.stringify(text)}, not the catalog's text`)
    return { columns: bigColumns, drifted: drift.length, runs: new Map([...runs].map(([n, list]) => [n, { median: median(list), runs: list }])), firstRuns, written, reported }
  } finally {
    await db.end()
  }
}
