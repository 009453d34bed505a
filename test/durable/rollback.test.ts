import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRuns, revmetaJson, writeConfig, writeEvents } from '../support/durable-cli.js'
import { createStore, readStoreState, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, tableEvents, type Target } from '../support/durable-target.js'
import { changeEvent, json, user } from '../support/om-events.js'

/**
 * `revmeta rollback <run>` puts back exactly what that run replaced — comments (including "no
 * comment", which must end as NULL again) and owners — as a run of its own through the same
 * pipeline; a channel's custom-template operations cannot be undone and are named as such.
 */
describe.each(storeKinds)('rollback of a run, %s store', (kind) => {
  let target: Target
  let store: DurableStore

  beforeAll(async () => {
    target = await createTarget(`rm_rollback_${kind}`, { tables: 5, columns: 2, roles: ['alice', 'bob'] })
    store = await createStore(kind, `rm_rollback_${kind}`)
  })

  afterAll(async () => {
    await store?.drop()
    await target?.drop()
  })

  it('restores the previous values exactly, through a rollback run, naming the templated operations', async () => {
    const { client, tag } = target.db
    await client.query(`
      COMMENT ON TABLE sales.t000 IS 'original t000';
      COMMENT ON COLUMN sales.t000.c00 IS 'original t000.c00';
      COMMENT ON TABLE sales.t003 IS 'doomed t003';
      ALTER TABLE sales.t002 OWNER TO ${tag}_bob;
      CREATE SCHEMA governance;
      CREATE TABLE governance.descriptions (asset text, description text)`)
    const config = await writeConfig(store, target, {
      channels: [
        { name: 'docs', sync: { descriptions: true, tags: false, owners: true } },
        // The same table descriptions, also mirrored into a table by a custom template.
        {
          name: 'mirror',
          filter: { levels: ['table'] },
          sync: { descriptions: true, tags: false, owners: false },
          templates: { description: `INSERT INTO governance.descriptions (asset, description) VALUES ({literal(f"{schema}.{table}")}, {description})` },
        },
      ],
    })

    // An earlier run: its value is what the rollback of the next run must come back to.
    const earlier = await revmetaJson('apply', '--config', config, '--events', await writeEvents(store, tableEvents(target, [{ table: 't004', description: 'from the earlier run' }])))
    expect(earlier.code, earlier.stderr).toBe(0)
    const comments = await target.comments()
    const owners = await target.owners()
    expect(comments.get('t001')).toBeUndefined()
    expect(owners.get('t002')).toBe(`${tag}_bob`)

    const changes = await writeEvents(store, [
      ...tableEvents(target, [
        { table: 't000', description: 'new t000', columns: { c00: 'new t000.c00', c01: 'added t000.c01' } },
        { table: 't001', description: 'added t001' },
        { table: 't003', description: null },
        { table: 't004', description: 'from the run rolled back' },
      ]),
      changeEvent('table', target.fqn('t000'), { added: [{ name: 'owners', newValue: json([user(`${tag}_alice`)]) }] }),
      changeEvent('table', target.fqn('t002'), { updated: [{ name: 'owners', oldValue: json([user(`${tag}_bob`)]), newValue: json([user(`${tag}_alice`)]) }] }),
    ])
    const run = await revmetaJson('apply', '--config', config, '--events', changes)
    expect(run.code, run.stderr).toBe(0)
    expect(run.report.summary).toMatchObject({ total: 12, applied: 12, failed: 0 })
    const changed = await target.comments()
    expect([changed.get('t000'), changed.get('t000.c01'), changed.get('t001'), changed.get('t003'), changed.get('t004')]).toEqual(['new t000', 'added t000.c01', 'added t001', undefined, 'from the run rolled back'])
    expect([(await target.owners()).get('t000'), (await target.owners()).get('t002')]).toEqual([`${tag}_alice`, `${tag}_alice`])
    const mirrored = async () => (await client.query('SELECT asset, description FROM governance.descriptions ORDER BY asset, description')).rows
    const mirror = await mirrored()
    expect(mirror).toHaveLength(5) // t004 by the earlier run, then t000, t001, t003 (NULL), t004

    const rollback = await revmetaJson('rollback', run.report.runId!.toString(), '--config', config)
    expect(rollback.code, rollback.stderr).toBe(0)
    // Exactly the state before the run: added comments are gone again (NULL), owners are back.
    expect(await target.comments()).toEqual(comments)
    expect(await target.owners()).toEqual(owners)
    // Eight operations put back, each verified; the four templated ones named, not undone.
    expect(rollback.report.summary).toMatchObject({ total: 8, applied: 8, verified: 8, failed: 0 })
    expect(rollback.report.operations.map((o) => o.statements.join()).sort()).toContain(`ALTER TABLE "sales"."t002" OWNER TO "${tag}_bob"`)
    expect(rollback.report.operations.find((o) => o.asset === `${target.fqn('t001')}`)!.statements).toEqual([`COMMENT ON TABLE "sales"."t001" IS NULL`])
    const notRolledBack = rollback.report.warnings.filter((w) => w.includes('not rolled back'))
    expect(notRolledBack.map((w) => w.split('|')[1]).sort()).toEqual(['t000', 't001', 't003', 't004'].map((t) => target.fqn(t)))
    expect(notRolledBack.every((w) => w.startsWith('mirror|') && w.includes('custom template'))).toBe(true)
    expect(await mirrored()).toEqual(mirror)

    // The rollback is a run of its own, listed with its counts, and audited like any other.
    const runs = await listRuns(config)
    expect(runs.map((r) => r.mode)).toEqual(['rollback', 'apply', 'apply'])
    expect(runs[0]).toMatchObject({ id: rollback.report.runId, note: `rollback of run ${run.report.runId}`, counts: { total: 8, applied: 8, verified: 8, dead: 0 } })
    const { audit } = await readStoreState(store, [rollback.report.runId!])
    const t001 = audit.find((a) => a.asset === target.fqn('t001'))!
    expect(t001).toMatchObject({ outcome: 'applied', before: 'added t001', after: null })
  }, 120_000)
})
