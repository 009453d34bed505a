import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CatalogService, upsertChunk, type EntityUpsert } from '../../src/catalog/catalog-service.js'
import { nextTable, type SourceMapping } from '../../src/catalog/ingest-entities.js'
import type { EntityJson } from '../../src/catalog/om-json.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { compareBytes } from '../../src/catalog/sql-lists.js'
import type { SqlExecutor, SqlRunner } from '../../src/store/sql-runner.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { bothTargets } from '../store/store-support.js'
import { seedDirectory, seedEntities } from './catalog-seed.js'

/** The runner with every statement counted, inside transactions too. */
function counting(runner: SqlRunner): { runner: SqlRunner; statements: () => number } {
  let n = 0
  const wrap = (ex: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => {
      n += 1
      return ex.query(sql, params)
    },
    exec: (sql) => ex.exec(sql),
  })
  const counted: SqlRunner = { ...wrap(runner), dialect: runner.dialect, transaction: (fn) => runner.transaction((tx) => fn(wrap(tx))), serialize: (tx, name) => runner.serialize(tx, name), close: () => runner.close() }
  return { runner: counted, statements: () => n }
}

/**
 * What the built-in catalog must do the same on SQLite and PostgreSQL, where the two databases
 * differ underneath: text they cannot hold, sort order, id case, booleans, concurrent writers.
 */
describe.each(bothTargets())('built-in catalog portability on $name', (target) => {
  let catalog: CatalogService
  let store: SqlStateStore
  let sales: EntityJson
  let shop: EntityJson
  let clock = 1_900_000_000_000
  const mapping: SourceMapping = { service: 'wh', serviceType: 'Postgres', owners: () => [], tags: () => [] }

  const tableUpsert = (name: string, description: string | null = null): EntityUpsert => ({
    type: 'table',
    fqn: `wh.shop.sales.${name}`,
    service: 'wh',
    databaseFqn: 'wh.shop',
    parentFqn: 'wh.shop.sales',
    build: (cur) => nextTable(cur, shop, sales, { name, state: { objectType: 'table', description }, columns: [{ name: 'id', state: { objectType: 'column', description: null } }] }, mapping),
  })

  beforeAll(async () => {
    await target.setup()
    store = await target.fresh()
    catalog = openCatalog(store, { delivery: false, now: () => ++clock })
    await seedDirectory(catalog)
    await seedEntities(catalog, ['orders'])
    sales = await catalog.getEntity('databaseSchema', 'wh.shop.sales')
    shop = await catalog.getEntity('database', 'wh.shop')
  })
  afterAll(() => target.teardown())

  it('pages FQNs in UTF-8 byte order: mixed case, accents, a character beyond the BMP', async () => {
    const names = ['Zeta', 'alpha', 'Ärger', 'émile', 'ＡＢ', '😀x', '_under', 'a b']
    await catalog.upsertEntities(names.map((n) => tableUpsert(n)), 'seed')
    const seen: string[] = []
    let after: string | undefined
    do {
      const page = await catalog.listEntities('table', { databaseSchema: 'wh.shop.sales' }, { limit: 3, ...(after ? { after } : {}) })
      expect(page.paging.total).toBe(names.length + 1)
      seen.push(...page.data.map((t) => t.name))
      after = page.paging.after
    } while (after)
    // Byte order, not UTF-16 order (that would put the emoji before the full-width letters) nor a locale's.
    expect(seen).toEqual(['Zeta', '_under', 'a b', 'alpha', 'orders', 'Ärger', 'émile', 'ＡＢ', '😀x'])
    expect(seen).toEqual([...seen].sort(compareBytes))
  })

  it('keeps text neither database can hold as is (NUL, lone surrogates) in every table it writes', async () => {
    const odd = 'nul\u0000user\uD800'
    const user = await catalog.directory.putUser({ name: odd, displayName: 'A\u0000B', email: 'x\uDC00@example.com', teams: ['data'] })
    expect(user).toMatchObject({ created: true, value: { name: odd, displayName: 'A\u0000B', email: 'x\uDC00@example.com', teams: [{ name: 'data' }] } })
    expect(await catalog.directory.getUser(odd)).toMatchObject({ name: odd, isBot: false })
    expect((await catalog.directory.getTeam('data', new Set(['users']))).users?.map((u) => u.name)).toContain(odd)
    const team = await catalog.directory.putTeam({ name: 'team\u0000x', users: [odd] })
    expect(team.value.users?.map((u) => u.name)).toEqual([odd])
    await catalog.directory.putClassification({ name: 'Odd\u0000', description: 'd\u0000' })
    expect(await catalog.directory.putTag({ classification: 'Odd\u0000', name: 't\uD800', description: 'x\u0000' })).toMatchObject({ created: true, value: { fullyQualifiedName: 'Odd\u0000.t\uD800', description: 'x\u0000' } })
    expect(await catalog.directory.getTag('Odd\u0000.t\uD800')).toMatchObject({ classification: { name: 'Odd\u0000' } })

    const [written] = await catalog.upsertEntities([tableUpsert('t\u0000ble', 'source \u0000 comment')], 'seed')
    expect(written).toMatchObject({ outcome: 'created' })
    const id = written!.entity.id as string
    const since = clock
    const patched = await catalog.patchEntity(
      'table',
      id,
      [
        { op: 'add', path: '/description', value: 'said \u0000 with \uDFFF' },
        { op: 'add', path: '/owners/0', value: { type: 'user', name: odd } },
        { op: 'add', path: '/tags/0', value: { tagFQN: 'Odd\u0000.t\uD800' } },
      ],
      'al\u0000ice',
    )
    expect(patched).toMatchObject({ description: 'said \u0000 with \uDFFF', owners: [{ name: odd }], tags: [{ tagFQN: 'Odd\u0000.t\uD800', description: 'x\u0000' }], updatedBy: 'al\u0000ice' })
    expect(await catalog.getEntity('table', 'wh.shop.sales.t\u0000ble', 'owners')).toMatchObject({ id, description: 'said \u0000 with \uDFFF', owners: [{ name: odd }] })
    // Read back with its keys in the order written, as OpenMetadata clients see them.
    expect(JSON.stringify(await catalog.getEntity('table', 'wh.shop.sales.t\u0000ble', 'columns,owners,tags'))).toBe(JSON.stringify(patched))
    const [event] = (await catalog.listEvents(since, { entityUpdated: ['table'] })) as Record<string, unknown>[]
    expect(event).toMatchObject({ entityFullyQualifiedName: 'wh.shop.sales.t\u0000ble', userName: 'al\u0000ice' })
    expect((await catalog.entityKeys('wh')).map((k) => k.fqn)).toContain('wh.shop.sales.t\u0000ble')

    const subscription = await catalog.subscriptions.create({ name: 'hook\u0000', endpoint: 'http://127.0.0.1:9/x', secretKey: 's\u0000', headers: { 'x-odd': 'v\u0000' } })
    expect(subscription).toMatchObject({ name: 'hook\u0000', secret: 's\u0000', headers: { 'x-odd': 'v\u0000' }, enabled: true })
    expect(await catalog.subscriptions.get('hook\u0000')).toEqual(subscription)
  })

  it('finds entities, users and teams by id in any letter case; a malformed id names nothing', async () => {
    const orders = await catalog.getEntity('table', 'wh.shop.sales.orders')
    expect((await catalog.getEntityById('table', orders.id.toUpperCase())).fullyQualifiedName).toBe('wh.shop.sales.orders')
    const alice = await catalog.directory.getUser('alice')
    expect((await catalog.directory.getUserById(alice.id.toUpperCase())).name).toBe('alice')
    await expect(catalog.directory.getUserById('not-a-uuid')).rejects.toMatchObject({ status: 404 })
    const data = await catalog.directory.getTeam('data')
    expect((await catalog.directory.getTeamById(data.id.toUpperCase())).name).toBe('data')
    // An owner by id (upper case) wins over a name that belongs to someone else.
    const patched = await catalog.patchEntity('table', orders.id, [{ op: 'add', path: '/owners/0', value: { type: 'user', id: alice.id.toUpperCase(), name: 'bob' } }], 'alice')
    expect(patched.owners?.map((o) => o.name)).toEqual(['alice'])
  })

  it('keeps booleans (is_bot, mutually exclusive, enabled) as booleans, and PUT reports created only once', async () => {
    expect(await catalog.directory.putUser({ name: 'robot', isBot: true })).toMatchObject({ created: true, value: { isBot: true } })
    expect(await catalog.directory.putUser({ name: 'robot', displayName: 'R' })).toMatchObject({ created: false, value: { isBot: true, displayName: 'R' } })
    expect(await catalog.directory.putUser({ name: 'robot', isBot: false })).toMatchObject({ created: false, value: { isBot: false } })
    expect(await catalog.directory.putClassification({ name: 'Flags', mutuallyExclusive: true })).toMatchObject({ created: true, value: { mutuallyExclusive: true } })
    expect(await catalog.directory.putClassification({ name: 'Flags', description: 'x' })).toMatchObject({ created: false, value: { mutuallyExclusive: true, description: 'x' } })
    expect(await catalog.directory.putTag({ classification: 'Flags', name: 'On' })).toMatchObject({ created: true })
    expect(await catalog.directory.putTag({ classification: 'Flags', name: 'On', description: 'y' })).toMatchObject({ created: false, value: { description: 'y' } })
    await catalog.subscriptions.upsert({ name: 'off', endpoint: 'http://127.0.0.1:9/off', enabled: false })
    await catalog.subscriptions.upsert({ name: 'On', endpoint: 'http://127.0.0.1:9/on' })
    expect((await catalog.subscriptions.list({ enabledOnly: true })).map((s) => s.name)).not.toContain('off')
    const all = await catalog.subscriptions.list()
    expect(all.find((s) => s.name === 'off')).toMatchObject({ enabled: false })
    expect(all.map((s) => s.name)).toEqual([...all.map((s) => s.name)].sort(compareBytes))
  })

  it('filters events by event type and entity types, with * and empty lists', async () => {
    const since = clock + 1
    await catalog.upsertEntities([tableUpsert('evented')], 'seed')
    const schema = await catalog.getEntity('databaseSchema', 'wh.shop.hr')
    await catalog.patchEntity('databaseSchema', schema.id, [{ op: 'add', path: '/description', value: 'People' }], 'alice')
    const types = async (filter: Record<string, string[]>) => ((await catalog.listEvents(since, filter)) as { eventType: string; entityType: string }[]).map((e) => `${e.eventType}:${e.entityType}`)
    expect(await types({ entityCreated: ['*'], entityUpdated: ['*'] })).toEqual(['entityCreated:table', 'entityUpdated:databaseSchema'])
    expect(await types({ entityCreated: ['database', 'table', 'table'] })).toEqual(['entityCreated:table'])
    expect(await types({ entityUpdated: ['table'] })).toEqual([])
    expect(await types({ entityUpdated: [], entityCreated: ['databaseSchema'] })).toEqual([])
    expect(await types({})).toEqual([])
  })

  it('one upsert list naming an entity twice: the second builds on the first', async () => {
    const results = await catalog.upsertEntities([tableUpsert('twice', 'first'), { ...tableUpsert('twice'), build: (cur) => ({ ...cur!, description: 'second' }) }], 'seed')
    expect(results.map((r) => [r.outcome, r.entity.version, r.entity.description])).toEqual([
      ['created', 0.1, 'first'],
      ['updated', 0.2, 'second'],
    ])
    expect(await catalog.getEntity('table', 'wh.shop.sales.twice')).toMatchObject({ version: 0.2, description: 'second' })
    // Within one millisecond, events keep the order they were written in (seq), here one multi-row statement.
    const instant = 1_000_000_000_000 // in the past, so later tests' windows never see these
    const still = new CatalogService(store.sqlRunner, store.schema, { delivery: false, now: () => instant })
    const steps = ['a', 'b', 'c', 'd'].map((v) => ({ ...tableUpsert('same_ms'), build: (cur: EntityJson | undefined) => ({ ...(cur ?? tableUpsert('same_ms').build(undefined)!), description: v }) }))
    await still.upsertEntities(steps, 'seed')
    const events = ((await catalog.listEvents(instant, { entityCreated: ['table'], entityUpdated: ['table'] })) as { currentVersion: number; entity: EntityJson }[]).filter((e) => e.entity.name === 'same_ms')
    expect(events.map((e) => [e.currentVersion, e.entity.description])).toEqual([
      [0.1, 'a'],
      [0.2, 'b'],
      [0.3, 'c'],
      [0.4, 'd'],
    ])
  })

  it('concurrent patches of one entity take turns: each builds on the previous version', async () => {
    const [created] = await catalog.upsertEntities([tableUpsert('contended')], 'seed')
    const id = created!.entity.id as string
    const since = clock + 1
    const patched = await Promise.all([1, 2, 3, 4, 5].map((n) => catalog.patchEntity('table', id, [{ op: 'add', path: '/description', value: `edit ${n}` }], 'alice')))
    expect(patched.map((p) => p.version).sort()).toEqual([0.2, 0.3, 0.4, 0.5, 0.6])
    const events = (await catalog.listEvents(since, { entityUpdated: ['table'] })) as { previousVersion: number; currentVersion: number }[]
    expect(events.map((e) => [e.previousVersion, e.currentVersion])).toEqual([
      [0.1, 0.2],
      [0.2, 0.3],
      [0.3, 0.4],
      [0.4, 0.5],
      [0.5, 0.6],
    ])
  })

  it('ingests in bulk: a chunk of entities is one read, one entity write and one event write', async () => {
    const { runner, statements } = counting(store.sqlRunner)
    const bulk = new CatalogService(runner, store.schema, { delivery: false, now: () => ++clock })
    const names = Array.from({ length: 1_200 }, (_, i) => `bulk_${String(i).padStart(4, '0')}`)
    const created = await bulk.upsertEntities(names.map((n) => tableUpsert(n, `table ${n}`)), 'seed')
    expect(created.map((r) => r.outcome)).toEqual(names.map(() => 'created'))
    // Each chunk: the write lock (PostgreSQL only), the read, the entities, the events.
    const chunks = Math.ceil(names.length / upsertChunk)
    expect(chunks).toBeGreaterThan(1)
    expect(statements()).toBeLessThanOrEqual(chunks * 4)
    const before = statements()
    const again = await bulk.upsertEntities(names.map((n) => tableUpsert(n, `table ${n}`)), 'seed')
    expect(again.every((r) => r.outcome === 'unchanged')).toBe(true)
    expect(statements() - before).toBeLessThanOrEqual(chunks * 2)
    expect(await catalog.getEntity('table', 'wh.shop.sales.bulk_0777')).toMatchObject({ description: 'table bulk_0777', version: 0.1 })
  })
})
