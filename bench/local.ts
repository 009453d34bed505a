import path from 'node:path'
import { loadInput } from '../dist/cli/load-input.js'
import { loadConfig } from '../dist/config/load-config.js'
import { run } from '../dist/engine/run.js'
import { applyDurably } from '../dist/execution/apply-durably.js'
import { openStore } from '../dist/store/open-store.js'
import { expectAllApplied, fixture, measure, revmetaApply, storeDatabase, timed, type Variant } from './fixture.js'
import { cpuProfile, timedStore, type ProfileSummary } from './profile.js'
import { changesOf, configYaml, psqlFile, server } from './support.js'

/** Figure 1: 20,000 description changes applied to the local PostgreSQL, against psql running the same COMMENTs. */

export const localShape = { tables: 2_000, columns: 9 }
/** Statements per round trip: the default is 200; 1,000 measured a little better here (fewer round trips and commits). */
export const localConnectionBatchSize = 1_000
const rounds = 3

export const variantNames = {
  psql: 'psql -X -q -1 -f (baseline)',
  memory: 'revmeta, in-memory apply (main)',
  pglite: 'revmeta, durable, PGlite store',
  postgres: 'revmeta, durable, PostgreSQL store',
} as const

export interface LocalResult {
  readonly changes: number
  readonly medians: Map<string, { median: number; runs: number[] }>
  /** Warm-up times: for the durable variants, the first run into a fresh store. */
  readonly firstRuns: Map<string, number>
  /** After psql ran the SQL file, revmeta found every one of its operations already in place. */
  readonly equivalent: boolean
  readonly phases: { loadConfig: number; loadInput: number; run: ProfileSummary }
  readonly storeSpans: Map<string, Map<string, { ms: number; calls: number }>>
}

export async function benchLocal(log: (line: string) => void): Promise<LocalResult> {
  const changes = changesOf(localShape)
  log(`figure 1: ${changes} changes on ${localShape.tables} tables × (1 + ${localShape.columns} columns), local PostgreSQL`)
  const f = await fixture('local', localShape)
  let storeDb: Awaited<ReturnType<typeof storeDatabase>> | undefined
  try {
    storeDb = await storeDatabase('local')
    const yaml = (store?: string) => configYaml(f.database, server, { connectionBatchSize: localConnectionBatchSize, ...(store ? { store } : {}) })
    const memory = await f.config('memory', yaml())
    const pglite = await f.config('pglite', yaml(`dir: ${path.join(f.dir, 'store')}`))
    const postgres = await f.config('postgres', yaml(`url: ${storeDb.url}`))

    // The SQL file and the events must mean the same thing: after psql, revmeta has nothing to do.
    await f.reset()
    await psqlFile(f.database, f.sqlFile)
    const plan = await run(await loadConfig(memory), await loadInput({ events: f.eventsFile }, { keepEvents: false }), { apply: false, offline: false })
    const equivalent = plan.summary.unchanged === changes && plan.summary.total === changes
    if (!equivalent) throw new Error(`the SQL file and the events differ: ${JSON.stringify(plan.summary)}`)

    const apply = (name: string, config: string, durable: boolean): Variant => ({
      name,
      once: async () => {
        let report
        const ms = await timed(async () => (report = await revmetaApply(config, f.eventsFile, durable)))
        expectAllApplied(report!, changes, name)
        return ms
      },
    })
    const variants: Variant[] = [
      { name: variantNames.psql, once: () => psqlFile(f.database, f.sqlFile) },
      apply(variantNames.memory, memory, false),
      apply(variantNames.pglite, pglite, true),
      apply(variantNames.postgres, postgres, true),
    ]
    const firstRuns = new Map<string, number>()
    const medians = await measure(f, variants, rounds, (line) => log(line), (name, ms) => firstRuns.set(name, ms))

    // Not timed: where the time goes. A CPU profile of the in-memory call, and each store call timed.
    log('  profiling (not part of the figures)')
    await f.reset()
    const t0 = performance.now()
    const config = await loadConfig(memory)
    const t1 = performance.now()
    const input = await loadInput({ events: f.eventsFile }, { keepEvents: false })
    const t2 = performance.now()
    let report
    const profile = await cpuProfile(async () => (report = await run(config, input, { apply: true, offline: false })))
    expectAllApplied(report!, changes, 'profiled run')
    const storeSpans = new Map<string, Map<string, { ms: number; calls: number }>>()
    for (const [name, file] of [[variantNames.pglite, pglite], [variantNames.postgres, postgres]] as const) {
      await f.reset()
      const durableConfig = await loadConfig(file)
      const { store, spans } = timedStore(await openStore(durableConfig.store))
      try {
        expectAllApplied(await applyDurably(durableConfig, store, await loadInput({ events: f.eventsFile })), changes, name)
      } finally {
        await store.close()
      }
      storeSpans.set(name, spans)
    }
    return { changes, medians, firstRuns, equivalent, phases: { loadConfig: t1 - t0, loadInput: t2 - t1, run: profile }, storeSpans }
  } finally {
    await f.drop()
    await storeDb?.drop()
  }
}
