import path from 'node:path'
import { benchComments, fixture, measure, storeDatabase, type Variant } from './fixture.js'
import { benchFile, nodeProcess, revmeta, summaryCounts } from './processes.js'
import { sizes } from './sizes.js'
import { changesOf, configYaml, psqlFile, server } from './support.js'

/**
 * Figure 1: 20,000 description changes to the local PostgreSQL, each variant a process started
 * from the shell as a user would, against the same statements sent in one round trip.
 */

export const applyShape = { tables: sizes.applyTables, columns: 9 }
/** Statements per round trip: 1,000 measured a little better than the default 200 here (fewer round trips and commits). */
export const applyConnectionBatchSize = 1_000

export const applyNames = {
  oneQuery: 'one query, one transaction (baseline)',
  psql: 'psql -X -q -1 -f (reference)',
  embedded: 'revmeta apply (embedded store)',
  noStore: 'revmeta apply --no-store',
  pgStore: 'revmeta apply (PostgreSQL store)',
} as const

/** Targets as multiples of the baseline (issue 17); psql has none. */
export const applyTargets: ReadonlyMap<string, number> = new Map([
  [applyNames.embedded, 3],
  [applyNames.noStore, 2],
  [applyNames.pgStore, 3],
])

export interface ApplyResult {
  readonly changes: number
  readonly medians: Map<string, { median: number; runs: number[] }>
  readonly firstRuns: Map<string, number>
  /** After the baseline ran, `revmeta plan` found every operation already in place. */
  readonly equivalent: boolean
}

export async function benchApply(log: (line: string) => void): Promise<ApplyResult> {
  const changes = changesOf(applyShape)
  log(`figure 1: ${changes} changes on ${applyShape.tables} tables × (1 + ${applyShape.columns} columns), each variant its own process`)
  const f = await fixture('apply', applyShape)
  let storeDb: Awaited<ReturnType<typeof storeDatabase>> | undefined
  try {
    storeDb = await storeDatabase('apply')
    const yaml = (store: string) => configYaml(f.database, server, { connectionBatchSize: applyConnectionBatchSize, store })
    // The embedded store lives under the fixture's dir and is kept across rounds, as a user's .revmeta/store is.
    const embedded = await f.config('embedded', yaml(`dir: ${path.join(f.dir, 'store')}`))
    const pgStore = await f.config('pg-store', yaml(`url: ${storeDb.url}`))
    const out = path.join(f.dir, 'stdout.txt')

    // The SQL file and the events must mean the same thing: after the baseline, revmeta has nothing to do.
    await f.reset()
    await oneQuery(f.database, f.sqlFile, out)
    const plan = summaryCounts((await revmeta(['plan', '-c', embedded, '--events', f.eventsFile], out)).stdout, 'plan')
    const equivalent = plan.get('unchanged') === changes && plan.size === 1
    if (!equivalent) throw new Error(`the SQL file and the events differ: ${JSON.stringify([...plan])}`)

    // Every run must leave every comment in place and say so, or the bench fails: a fast wrong answer is no answer.
    const checked = (name: string, fn: () => Promise<{ ms: number; stdout?: string }>): Variant => ({
      name,
      once: async () => {
        const { ms, stdout } = await fn()
        const written = await benchComments(f.database)
        if (written !== changes) throw new Error(`${name}: ${written} of ${changes} comments in place after the run`)
        if (stdout !== undefined) {
          const counts = summaryCounts(stdout, 'apply')
          if (counts.get('applied') !== changes) throw new Error(`${name}: revmeta reports ${JSON.stringify([...counts])}, not ${changes} applied`)
        }
        return ms
      },
    })
    const apply = (name: string, args: string[]) => checked(name, () => revmeta(['apply', ...args, '--events', f.eventsFile], out))
    const variants: Variant[] = [
      checked(applyNames.oneQuery, () => oneQuery(f.database, f.sqlFile, out)),
      checked(applyNames.psql, async () => ({ ms: await psqlFile(f.database, f.sqlFile) })),
      apply(applyNames.embedded, ['-c', embedded]),
      apply(applyNames.noStore, ['-c', embedded, '--no-store']),
      apply(applyNames.pgStore, ['-c', pgStore]),
    ]
    const firstRuns = new Map<string, number>()
    const medians = await measure(f, variants, sizes.applyRounds, log, (name, ms) => firstRuns.set(name, ms))
    return { changes, medians, firstRuns, equivalent }
  } finally {
    await f.drop()
    await storeDb?.drop()
  }
}

async function oneQuery(database: string, sqlFile: string, out: string) {
  const run = await nodeProcess([benchFile('one-query-client.mjs'), database, sqlFile], out)
  if (run.code !== 0) throw new Error(`the one-query client exited with ${run.code}: ${run.stderr}`)
  return { ms: run.ms }
}
