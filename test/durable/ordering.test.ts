import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killStarted, revmetaJson, startRevmeta, waitUntil, writeConfig, writeEvents } from '../support/durable-cli.js'
import { createStore, readStoreState, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'
import { connect } from '../support/postgres-server.js'

/**
 * Per-asset order under concurrency: successive runs set v1, v2, v3, v4 of the same descriptions.
 * Two tables are locked while v1 runs, so their v1 operations fail with a lock timeout and wait
 * for a retry while newer versions queue behind them: an older change must still land first.
 * PostgreSQL store: three `revmeta worker` processes run throughout, and the versions arrive by
 * `apply --queue-only`. Embedded store (one process at a time): one `revmeta apply` after another.
 * Either way: the final state is the last version, and each asset's audit lands versions in order.
 */
const VERSIONS = 4
const LOCKED = ['t000', 't001']

describe.each(storeKinds)('per-asset order under concurrency, %s store', (kind) => {
  let target: Target
  let store: DurableStore
  let locker: pg.Client | undefined

  beforeAll(async () => {
    target = await createTarget(`rm_order_${kind}`, { tables: 20, columns: 5 })
    store = await createStore(kind, `rm_order_${kind}`)
  })

  afterAll(async () => {
    killStarted()
    await locker?.end()
    await store?.drop()
    await target?.drop()
  })

  const version = (v: number): TableEdit[] =>
    target.tables.map((t) => ({ table: t, description: `v${v} ${t}`, columns: Object.fromEntries(target.columns.map((c) => [c, `v${v} ${t}.${c}`])) }))
  const landedVersion = async (v: number) => [...(await target.comments()).values()].some((d) => d.startsWith(`v${v} `))

  async function lockTables(): Promise<void> {
    locker = await connect(target.db.name)
    await locker.query(`BEGIN; LOCK TABLE ${LOCKED.map((t) => `sales.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`)
  }
  async function unlockTables(): Promise<void> {
    await locker!.query('COMMIT')
  }

  it('lands the last version everywhere, and each asset’s versions in order', async () => {
    const files = await Promise.all(Array.from({ length: VERSIONS }, (_, i) => writeEvents(store, tableEvents(target, version(i + 1)))))
    const config = await writeConfig(store, target, {
      connection: { lockTimeoutMs: 50 },
      // The lock outlasts any number of attempts. On the embedded store, apply leaves the retries
      // queued (waitForRetriesMs 0) once its other work is done: with one batch at a time and a
      // backoff longer than that work, the locked operations do not keep it busy on their own.
      execution:
        kind === 'postgres'
          ? { batchSize: 10, maxAttempts: 100, retryBaseMs: 50, retryMaxMs: 200 }
          : { batchSize: 30, maxAttempts: 100, retryBaseMs: 1_000, retryMaxMs: 1_000, waitForRetriesMs: 0 },
      serviceExecution: kind === 'postgres' ? { concurrency: 2, ratePerSecond: 100 } : { concurrency: 1 },
    })
    const lockedOps = LOCKED.length * (1 + target.columns.length)
    await lockTables()

    if (kind === 'postgres') {
      const workers = [1, 2, 3].map(() => startRevmeta('worker', '--config', config))
      const retried = async () => Number((await store.pg!.query(`SELECT count(*) AS n FROM revmeta.operations WHERE attempts > 1`)).rows[0].n) >= lockedOps
      const queue = async (v: number) => {
        const { code, report, stderr } = await revmetaJson('apply', '--config', config, '--events', files[v - 1]!, '--queue-only')
        expect(code, stderr).toBe(0)
        expect(report.summary.queued).toBe(report.summary.total)
      }
      await queue(1)
      await waitUntil('v1 landing, and the locked tables’ v1 retried', async () => (await landedVersion(1)) && (await retried()))
      await queue(2)
      await waitUntil('v2 landing', () => landedVersion(2))
      await unlockTables()
      await queue(3)
      await queue(4)
      await waitUntil('every operation settled', async () => Number((await store.pg!.query(`SELECT count(*) AS n FROM revmeta.operations WHERE status IN ('pending', 'running')`)).rows[0].n) === 0)
      for (const w of workers) w.child.kill('SIGTERM')
      for (const w of workers) {
        const f = await w.exited
        expect(f.code, f.stderr).toBe(0)
      }
    } else {
      const first = await revmetaJson('apply', '--config', config, '--events', files[0]!)
      expect(first.code).toBe(1)
      const queued = first.report.operations.filter((o) => o.status === 'queued')
      expect(queued).toHaveLength(lockedOps)
      expect(queued.every((o) => o.error?.code === 'LOCK_TIMEOUT' && LOCKED.some((t) => o.asset.includes(`.${t}`)))).toBe(true)
      const second = await revmetaJson('apply', '--config', config, '--events', files[1]!, '--queue-only')
      expect(second.code, second.stderr).toBe(0)
      await unlockTables()
      for (const v of [3, 4]) {
        const { code, stderr } = await revmetaJson('apply', '--config', config, '--events', files[v - 1]!)
        expect(code, stderr).toBe(0)
      }
    }

    expect(await target.comments()).toEqual(expectedComments(version(VERSIONS)))
    const { operations, audit } = await readStoreState(store)
    expect(operations.filter((o) => o.status !== 'applied')).toEqual([])
    // Per asset, the versions that landed (audit order is send order), all in order, the last one last.
    const landed = new Map<string, number[]>()
    for (const a of audit) {
      if (a.outcome !== 'applied' && a.outcome !== 'recovered') continue
      landed.set(a.asset, [...(landed.get(a.asset) ?? []), Number(/^v(\d+) /.exec(a.after ?? '')![1])])
    }
    expect(landed.size).toBe(target.tables.length * (1 + target.columns.length))
    const outOfOrder = [...landed].filter(([, vs]) => vs.some((v, i) => i > 0 && v <= vs[i - 1]!) || vs.at(-1) !== VERSIONS)
    expect(outOfOrder).toEqual([])
    // The locked tables' v1 waited for its retries, and still landed before anything newer.
    for (const [asset, vs] of landed) if (LOCKED.some((t) => asset.includes(`.sales.${t}`))) expect(vs[0], asset).toBe(1)
    const several = [...landed.values()].filter((vs) => vs.length > 1).length
    console.log(`[${kind}] ${several} of ${landed.size} assets landed more than one version`)
    expect(several).toBeGreaterThanOrEqual(lockedOps)
  }, 120_000)
})
