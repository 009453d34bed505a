/**
 * How big each figure is. `BENCH_QUICK=1` shrinks every size for a quick check while developing
 * (its report goes to a temp file, never over docs/benchmarks.md); `BENCH_ONLY=apply,start,…`
 * runs only the figures named, and `BENCH_OUT=file` writes the report there instead. `npm run bench` with neither runs everything at full size.
 */
export const quick = process.env.BENCH_QUICK === '1'

export const figureKeys = ['stream', 'apply', 'start', 'sync', 'webhook', 'latency'] as const
export type FigureKey = (typeof figureKeys)[number]

const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean)
for (const key of only) if (!(figureKeys as readonly string[]).includes(key)) throw new Error(`BENCH_ONLY: unknown figure ${key} (known: ${figureKeys.join(', ')})`)
/** A quick run leaves out figure 6 (it writes a 1 GB file and has no smaller size) unless BENCH_ONLY names it. */
export const runs = (key: FigureKey) => (only.length === 0 ? !(quick && key === 'stream') : only.includes(key))

export const sizes = {
  /** Figure 1: tables × (1 + 9 columns) description changes: 20,000 (quick: 2,000). */
  applyTables: quick ? 200 : 2_000,
  applyRounds: 3,
  /** Figures 2 and 3: tables × 10 columns, one change per column: 100,000 operations in the store, 100,000 columns to sync (quick: 10,000). */
  bigTables: quick ? 1_000 : 10_000,
  bigColumns: 10,
  /** Figure 3: 1% of the columns drift. */
  driftEvery: 100,
  syncRounds: 3,
  syncWarmUp: quick,
  startRounds: quick ? 5 : 7,
  /** Figure 4: events a second, for this long. */
  webhookRate: 100,
  webhookSeconds: quick ? 10 : 60,
} as const
