import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRuns, revmetaJson, writeConfig, writeEvents, type Report } from '../support/durable-cli.js'
import { createStore, readStoreState, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, tableEvents, type Target } from '../support/durable-target.js'
import { changeEvent, json, user } from '../support/om-events.js'
import { connect } from '../support/postgres-server.js'

/**
 * Permanent failures — a comment on a table that does not exist yet, an owner role that does not
 * exist — become dead letters with their full reason, and the rest of the run still applies;
 * after the fix, `revmeta replay` re-queues and applies them, and a second replay finds none.
 */
describe.each(storeKinds)('dead letters and replay, %s store', (kind) => {
  let target: Target
  let store: DurableStore
  let ghost: string

  beforeAll(async () => {
    target = await createTarget(`rm_dead_${kind}`, { tables: 5, columns: 3 })
    store = await createStore(kind, `rm_dead_${kind}`)
    ghost = `${target.db.tag}_ghost`
  })

  afterAll(async () => {
    await store?.drop()
    await target?.drop()
    const admin = await connect()
    await admin.query(`DROP ROLE IF EXISTS ${ghost}`).finally(() => admin.end())
  })

  const find = (report: Report, asset: string, kind: string) => report.operations.find((o) => o.asset === asset && o.kind === kind)

  it('dead-letters permanent failures with their reason, and replays them once fixed', async () => {
    const late = target.fqn('late')
    const events = await writeEvents(store, [
      ...tableEvents(target, target.tables.map((t) => ({ table: t, description: `about ${t}` }))),
      ...tableEvents(target, [{ table: 'late', description: 'created later', columns: { id: 'the key' } }]),
      changeEvent('table', target.fqn('t000'), { added: [{ name: 'owners', newValue: json([user(ghost)]) }] }),
    ])
    const config = await writeConfig(store, target, { channels: [{ name: 'docs', sync: { descriptions: true, tags: false, owners: true } }] })

    // The run: exit code 1, the rest applied, the two kinds of permanent failure reported failed.
    const first = await revmetaJson('apply', '--config', config, '--events', events)
    expect(first.code, first.stderr).toBe(1)
    expect(first.report.summary).toMatchObject({ total: 8, applied: 5, verified: 5, failed: 3, queued: 0 })
    const missingTable = find(first.report, late, 'description')!
    expect(missingTable).toMatchObject({ status: 'failed', error: { code: 'OBJECT_NOT_FOUND', retryable: false } })
    expect(missingTable.error!.message).toContain(`table ${late} does not exist`)
    expect(find(first.report, `${late}.id`, 'description')).toMatchObject({ status: 'failed', error: { code: 'OBJECT_NOT_FOUND' } })
    const missingRole = find(first.report, target.fqn('t000'), 'owners')!
    expect(missingRole).toMatchObject({ status: 'failed', statements: [`ALTER TABLE "sales"."t000" OWNER TO "${ghost}"`], error: { code: 'OBJECT_NOT_FOUND', retryable: false } })
    expect(missingRole.error!.message).toContain(`role "${ghost}" does not exist`)
    expect((await target.comments()).get('t004')).toBe('about t004')

    // In the store: dead, attempted once (a permanent failure is not retried), the full reason kept.
    const afterRun = await readStoreState(store)
    const dead = afterRun.operations.filter((o) => o.status === 'dead')
    expect(dead.map((o) => o.key.split('|')[1]).sort()).toEqual([late, `${late}.id`, target.fqn('t000')])
    for (const op of dead) {
      expect(op.attempts).toBe(1)
      expect(op.lastError).toEqual(first.report.operations.find((o) => o.asset === op.key.split('|')[1] && o.kind === op.op.kind)!.error)
    }
    expect(dead.find((o) => o.op.kind === 'owners')!.lastError).toMatchObject({ details: { sqlstate: '42704', serverMessage: `role "${ghost}" does not exist` } })
    // The owner statement was sent and refused: on record as failed.
    expect(afterRun.audit.filter((a) => a.kind === 'owners').map((a) => a.outcome)).toEqual(['failed'])

    // Fix the role first and replay only that dead letter.
    await target.db.client.query(`CREATE ROLE ${ghost}`)
    const roleOp = dead.find((o) => o.op.kind === 'owners')!
    const one = await revmetaJson('replay', '--config', config, '--ids', String(roleOp.id))
    expect(one.code, one.stderr).toBe(0)
    expect(one.stderr).toMatch(/re-queued 1 dead letter/)
    expect(one.report.operations).toMatchObject([{ asset: target.fqn('t000'), kind: 'owners', status: 'applied', verified: true }])
    expect((await target.owners()).get('t000')).toBe(ghost)

    // Then the table, and replay everything still dead.
    await target.db.client.query('CREATE TABLE sales.late (id int)')
    const rest = await revmetaJson('replay', '--config', config)
    expect(rest.code, rest.stderr).toBe(0)
    expect(rest.stderr).toMatch(/re-queued 2 dead letter/)
    expect(rest.report.summary).toMatchObject({ total: 2, applied: 2, verified: 2, failed: 0 })
    const comments = await target.comments()
    expect([comments.get('late'), comments.get('late.id')]).toEqual(['created later', 'the key'])

    // A second replay finds nothing to do.
    const again = await revmetaJson('replay', '--config', config)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toMatch(/re-queued 0 dead letter/)
    expect(again.report.operations).toEqual([])

    // Nothing dead or waiting; the replays are runs of their own, and each operation landed once.
    const final = await readStoreState(store)
    expect(final.operations.filter((o) => o.status !== 'applied')).toEqual([])
    for (const op of final.operations) expect(final.audit.filter((a) => a.operationId === op.id && a.outcome === 'applied'), op.key).toHaveLength(1)
    const runs = await listRuns(config)
    expect(runs.map((r) => r.mode)).toEqual(['replay', 'replay', 'replay', 'apply'])
    // A finished run keeps the counts it ended with: the apply run ended with three dead letters.
    expect(runs.map((r) => [r.counts.applied, r.counts.dead, r.counts.pending])).toEqual([[0, 0, 0], [2, 0, 0], [1, 0, 0], [5, 3, 0]])
    expect(runs.every((r) => r.finishedAt !== undefined)).toBe(true)
  }, 120_000)
})
