import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadInput } from '../../src/cli/load-input.js'
import { loadConfig } from '../../src/config/load-config.js'
import { applyDurably, storedReport } from '../../src/execution/apply-durably.js'
import type { StateStore } from '../../src/store/state-store.js'
import { writeConfig, writeEvents } from '../support/durable-cli.js'
import { createStore, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, tableEvents, type Target } from '../support/durable-target.js'

/**
 * The report `revmeta apply` returns is the store's, even where it is built from what the run
 * settled rather than read back: the same operations, statuses, errors, statements and values,
 * field for field and in the same order, whatever the outcome.
 */
describe.each(storeKinds)('the durable report is the store’s, %s store', (kind) => {
  let target: Target
  let store: DurableStore

  beforeAll(async () => {
    target = await createTarget(`rm_report_${kind}`, { tables: 6, columns: 3 })
    store = await createStore(kind, `rm_report_${kind}`)
  })

  afterAll(async () => {
    await store?.drop()
    await target?.drop()
  })

  it('applied, unchanged and dead operations, and a second run over the same store', async () => {
    await target.db.client.query(`COMMENT ON TABLE sales.t001 IS 'already so'`)
    const config = await loadConfig(await writeConfig(store, target))
    const first = await writeEvents(store, [
      ...tableEvents(target, target.tables.map((t) => ({ table: t, description: t === 't001' ? 'already so' : `about ${t}`, columns: { c00: `c00 of ${t}`, c01: null } }))),
      ...tableEvents(target, [{ table: 'missing', description: 'nowhere' }]),
    ])
    const second = await writeEvents(store, tableEvents(target, [{ table: 't002', description: 'again' }, { table: 't003', columns: { c02: 'new' } }]))
    for (const events of [first, second]) {
      const readBack: number[] = []
      const { report, stored } = await store.with(async (s) => {
        // Counts the operations read back whole: those the run did not settle as it left them.
        const counting = new Proxy(s, {
          get: (t, p) =>
            p === 'operations'
              ? async (filter: Parameters<StateStore['operations']>[0]) => {
                  const found = await t.operations(filter)
                  readBack.push(found.length)
                  return found
                }
              : Reflect.get(t, p),
        })
        const report = await applyDurably(config, counting, await loadInput({ events }))
        return { report, stored: (await s.operations({ runId: report.runId! })).map(storedReport) }
      })
      expect(report.operations.map((o) => o.status)).toContain('applied')
      expect(JSON.stringify(report.operations)).toBe(JSON.stringify(stored))
      expect(report.operations).toStrictEqual(stored)
      // Only the failures were read back, not every operation of the run.
      expect(Math.max(0, ...readBack)).toBe(report.operations.filter((o) => o.status === 'failed').length)
    }
  }, 60_000)
})
