import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killStarted, revmetaJson, startRevmeta, waitUntil, writeConfig, writeEvents } from '../support/durable-cli.js'
import { createStore, type DurableStore } from '../support/durable-store.js'
import { createTarget, type Target } from '../support/durable-target.js'
import { changeEvent, json, tag } from '../support/om-events.js'

/**
 * Issue 10, "an older change overwrites a newer one": every change carries its order (entity
 * version, then event time) and the store keeps the order of the last value applied, so a change
 * older than that is reported `superseded` and never sent — across files, runs and processes.
 */
const describeEvent = (target: Target, table: string, description: string, order: { version: number; timestamp: number }) =>
  changeEvent('table', target.fqn(table), { updated: [{ name: 'description', oldValue: 'x', newValue: description }] }, { currentVersion: order.version, timestamp: order.timestamp })

describe('order across files and runs, embedded store (the default)', () => {
  let target: Target
  let store: DurableStore
  let config: string

  beforeAll(async () => {
    target = await createTarget('rm_corder', { tables: 4, columns: 1 })
    store = await createStore('sqlite', 'rm_corder')
    await target.db.client.query('CREATE SCHEMA governance; CREATE TABLE governance.tags (tbl text, k text, v text)')
    config = await writeConfig(store, target, {
      channels: [
        { name: 'docs', sync: { descriptions: true, tags: false, owners: false } },
        {
          name: 'labels',
          filter: { levels: ['table'] },
          sync: { descriptions: false, tags: true, owners: false },
          templates: {
            tags: 'INSERT INTO governance.tags VALUES ({literal(table)}, {literal(tag_key)}, {literal(tag_value)})',
            tagsRemoved: 'DELETE FROM governance.tags WHERE tbl = {literal(table)} AND k = {literal(tag_key)} AND v = {literal(tag_value)}',
          },
        },
      ],
    })
  })

  afterAll(async () => {
    await store?.drop()
    await target?.drop()
  })

  const apply = async (events: Record<string, unknown>[]) => {
    const run = await revmetaJson('apply', '--config', config, '--events', await writeEvents(store, events))
    expect(run.code, run.stderr).toBe(0)
    return run.report
  }
  const tags = async () => (await target.db.client.query<{ k: string; v: string }>(`SELECT k, v FROM governance.tags WHERE tbl = 't002' ORDER BY k, v`)).rows.map((r) => `${r.k}.${r.v}`)

  // One file per step, each touching several tables, so the whole story takes few processes.
  it('supersedes what is older than the value last applied, by version then time, item by item for tags; never a rollback', async () => {
    const tagEvent = (added: string[], removed: string[], timestamp: number) =>
      changeEvent('table', target.fqn('t002'), {
        ...(added.length ? { added: [{ name: 'tags', newValue: json(added.map(tag)) }] } : {}),
        ...(removed.length ? { deleted: [{ name: 'tags', oldValue: json(removed.map(tag)) }] } : {}),
      }, { currentVersion: 0.2, timestamp })
    const byTable = (report: Awaited<ReturnType<typeof apply>>, table: string, kind = 'description') => report.operations.find((o) => o.asset === target.fqn(table) && o.kind === kind)!

    const first = await apply([
      describeEvent(target, 't000', 'newer', { version: 0.2, timestamp: 2000 }),
      describeEvent(target, 't001', 'version 1.5', { version: 1.5, timestamp: 5000 }),
      tagEvent(['PII.Email'], [], 2000),
    ])
    expect(first.summary).toMatchObject({ total: 3, applied: 3, superseded: 0 })
    expect(await tags()).toEqual(['PII.Email'])

    // The file stamped 1000 after the one stamped 2000; an older version with the same timestamp.
    const second = await apply([
      describeEvent(target, 't000', 'older', { version: 0.2, timestamp: 1000 }),
      describeEvent(target, 't001', 'version 0.9', { version: 0.9, timestamp: 5000 }),
      tagEvent(['Tier.Gold'], ['PII.Email'], 1000),
    ])
    expect(second.summary).toMatchObject({ total: 3, superseded: 2, applied: 1, failed: 0 })
    expect(byTable(second, 't000')).toMatchObject({ status: 'superseded', statements: [], supersededBy: { version: 0.2, timestamp: 2000 } })
    expect(byTable(second, 't001')).toMatchObject({ status: 'superseded', supersededBy: { version: 1.5, timestamp: 5000 } })
    // Tags are deltas: the older add of another tag still applies, the older remove of the newer-added tag does not.
    const tagsOp = byTable(second, 't002', 'tags')
    expect(tagsOp.status).toBe('applied')
    expect(tagsOp.statements.join('\n')).not.toContain('DELETE')
    expect(tagsOp.warnings.join('\n')).toContain('superseded: Classification:PII.Email left out')
    expect(await tags()).toEqual(['PII.Email', 'Tier.Gold'])

    const third = await apply([
      describeEvent(target, 't000', 'newest', { version: 0.3, timestamp: 500 }),
      describeEvent(target, 't001', 'version 1.4', { version: 1.4, timestamp: 9000 }),
      tagEvent([], ['PII.Email'], 1500),
      describeEvent(target, 't003', 'rolled back', { version: 0.5, timestamp: 3000 }),
    ])
    expect(third.summary).toMatchObject({ total: 4, applied: 2, superseded: 2 })
    // Only a superseded remove: the whole operation is superseded.
    expect(byTable(third, 't002', 'tags')).toMatchObject({ status: 'superseded', statements: [] })
    expect(await tags()).toEqual(['PII.Email', 'Tier.Gold'])
    const comments = await target.comments()
    expect([comments.get('t000'), comments.get('t001'), comments.get('t003')]).toEqual(['newest', 'version 1.5', 'rolled back'])

    // A rollback acts on purpose: never superseded, though what it writes back is older.
    const rollback = await revmetaJson('rollback', third.runId!.toString(), '--config', config)
    expect(rollback.code, rollback.stderr).toBe(0)
    expect(rollback.report.summary).toMatchObject({ total: 2, applied: 2, superseded: 0 })
    const restored = await target.comments()
    expect([restored.get('t000'), restored.get('t003')]).toEqual(['newer', undefined])
    // It does not lower the recorded order: delayed older events stay out.
    const delayed = await apply([
      describeEvent(target, 't003', 'delayed', { version: 0.4, timestamp: 9000 }),
      describeEvent(target, 't000', 'delayed', { version: 0.2, timestamp: 2500 }),
    ])
    expect(delayed.summary).toMatchObject({ total: 2, superseded: 2 })
    expect(await target.comments()).toEqual(restored)
  }, 120_000)
})

describe('order across processes, shared PostgreSQL store', () => {
  let target: Target
  let store: DurableStore

  beforeAll(async () => {
    target = await createTarget('rm_corder_pg', { tables: 6, columns: 1 })
    store = await createStore('postgres', 'rm_corder_pg')
  })

  afterAll(async () => {
    killStarted()
    await store?.drop()
    await target?.drop()
  })

  it('lands the newer value when two applies and two workers take the changes out of order', async () => {
    const config = await writeConfig(store, target, { execution: { batchSize: 2 } })
    const newer = target.tables.map((t) => describeEvent(target, t, `newer ${t}`, { version: 0.3, timestamp: 2000 }))
    const older = target.tables.map((t) => describeEvent(target, t, `older ${t}`, { version: 0.2, timestamp: 3000 }))
    // Two applies at once, the newer file and the older one, each draining with its own worker.
    const [a, b] = await Promise.all([
      revmetaJson('apply', '--config', config, '--events', await writeEvents(store, newer)),
      revmetaJson('apply', '--config', config, '--events', await writeEvents(store, older)),
    ])
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0])
    // Then the older file again, queued only, for two `revmeta worker` processes.
    const queued = await revmetaJson('apply', '--config', config, '--events', await writeEvents(store, older), '--queue-only')
    expect(queued.code, queued.stderr).toBe(0)
    const workers = [startRevmeta('worker', '--config', config), startRevmeta('worker', '--config', config)]
    await waitUntil('the queued operations settled', async () => Number((await store.pg!.query(`SELECT count(*) AS n FROM revmeta.operations WHERE status IN ('pending', 'running')`)).rows[0].n) === 0)
    for (const w of workers) w.child.kill('SIGTERM')
    await Promise.all(workers.map((w) => w.exited))
    expect(await target.comments()).toEqual(new Map(target.tables.map((t) => [t, `newer ${t}`])))
    const { rows } = await store.pg!.query(`SELECT status, count(*)::int AS n FROM revmeta.operations WHERE run_id = $1 GROUP BY status`, [queued.report.runId])
    expect(rows).toEqual([{ status: 'superseded', n: target.tables.length }])
  }, 120_000)
})
