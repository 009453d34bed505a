import path from 'node:path'
import { startTcpProxy } from '../test/support/tcp-proxy.js'
import { fixture, measure, timed, type Variant } from './fixture.js'
import { expectAllApplied, revmetaApply } from './library-apply.js'
import { changesOf, commentSql, configYaml, connect } from './support.js'

/** Figure 5: 5,000 changes through a proxy adding 20 ms per round trip, against one statement per round trip. */

export const latencyShape = { tables: 500, columns: 9 }
export const latencyMs = 20
/** Naive statements actually run; the rest is extrapolated linearly (each is one round trip). */
export const naiveSample = 500
/** Tuned for latency: every statement in one round trip, and the durable worker takes the whole run as one batch. */
export const latencyConnectionBatchSize = 5_000
export const latencyExecutionBatchSize = 5_000
const rounds = 3

export const latencyNames = {
  memory: 'revmeta, in-memory apply (main)',
  pglite: 'revmeta, durable, embedded store',
} as const

export interface LatencyResult {
  readonly changes: number
  readonly medians: Map<string, { median: number; runs: number[] }>
  readonly firstRuns: Map<string, number>
  readonly naive: { readonly sampleMs: number; readonly perStatementMs: number; readonly extrapolatedMs: number }
}

export async function benchLatency(log: (line: string) => void): Promise<LatencyResult> {
  const changes = changesOf(latencyShape)
  log(`figure 5: ${changes} changes through a proxy adding ${latencyMs} ms per round trip`)
  const f = await fixture('latency', latencyShape)
  const proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: 5432 }, latencyMs })
  try {
    const at = { host: proxy.host, port: proxy.port }
    const yaml = (store?: string) =>
      configYaml(f.database, at, { connectionBatchSize: latencyConnectionBatchSize, executionBatchSize: latencyExecutionBatchSize, ...(store ? { store } : {}) })
    const memory = await f.config('memory', yaml())
    const pglite = await f.config('pglite', yaml(`dir: ${path.join(f.dir, 'store')}`))
    const apply = (name: string, config: string, durable: boolean): Variant => ({
      name,
      once: async () => {
        let report
        const ms = await timed(async () => (report = await revmetaApply(config, f.eventsFile, durable)))
        expectAllApplied(report!, changes, name)
        return ms
      },
    })
    const firstRuns = new Map<string, number>()
    const variants = [apply(latencyNames.memory, memory, false), apply(latencyNames.pglite, pglite, true)]
    const medians = await measure(f, variants, rounds, log, (name, ms) => firstRuns.set(name, ms))

    // The naive way: each change its own statement, its own round trip, one after another.
    await f.reset()
    const statements = commentSql(latencyShape).trim().split('\n')
    const client = await connect(f.database, at)
    let sampleMs: number
    try {
      sampleMs = await timed(async () => {
        for (const sql of statements.slice(0, naiveSample)) await client.query(sql)
      })
    } finally {
      await client.end()
    }
    const perStatementMs = sampleMs / naiveSample
    log(`  naive: ${naiveSample} statements in ${(sampleMs / 1000).toFixed(2)} s (${perStatementMs.toFixed(2)} ms each)`)

    return { changes, medians, firstRuns, naive: { sampleMs, perStatementMs, extrapolatedMs: perStatementMs * changes } }
  } finally {
    await proxy.close()
    await f.drop()
  }
}
