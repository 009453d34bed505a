import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CatalogError } from '../../src/catalog/catalog-error.js'
import type { CatalogService } from '../../src/catalog/catalog-service.js'
import type { EntityJson } from '../../src/catalog/om-json.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { bothTargets } from '../store/store-support.js'
import { seedDirectory, seedEntities } from './catalog-seed.js'

async function refused(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CatalogError)
  expect((error as CatalogError).status).toBe(status)
  expect((error as CatalogError).message).toMatch(message)
}

describe.each(bothTargets())('built-in catalog on $name', (target) => {
  let catalog: CatalogService
  let orders: EntityJson
  let clock = 1_800_000_000_000

  beforeAll(async () => {
    await target.setup()
    catalog = openCatalog(await target.fresh(), { delivery: false, now: () => ++clock })
    await seedDirectory(catalog)
    ;({ orders } = await seedEntities(catalog))
  })
  afterAll(() => target.teardown())

  it('serves an entity by FQN with the fields asked for, and column tags only with `tags`', async () => {
    const full = await catalog.getEntity('table', 'wh.shop.sales.orders', 'columns,tags,owners')
    expect(full).toMatchObject({ id: orders.id, name: 'orders', fullyQualifiedName: 'wh.shop.sales.orders', description: 'Orders placed', version: 0.1, updatedBy: 'seed', tableType: 'Regular', owners: [], tags: [] })
    expect(full.columns?.map((c) => [c.name, c.fullyQualifiedName, c.dataType, c.description ?? null])).toEqual([
      ['email', 'wh.shop.sales.orders.email', 'UNKNOWN', null],
      ['geo.lat', 'wh.shop.sales.orders."geo.lat"', 'UNKNOWN', null],
      ['id', 'wh.shop.sales.orders.id', 'UNKNOWN', 'pk'],
    ])
    expect(full.service).toMatchObject({ type: 'databaseService', name: 'wh' })
    expect(full.databaseSchema).toMatchObject({ type: 'databaseSchema', fullyQualifiedName: 'wh.shop.sales' })
    const bare = await catalog.getEntity('table', 'wh.shop.sales.orders')
    expect(bare).not.toHaveProperty('columns')
    expect(bare).not.toHaveProperty('owners')
    expect((await catalog.getEntity('table', 'wh.shop.sales.orders', 'columns')).columns?.[0]).not.toHaveProperty('tags')
    await refused(catalog.getEntity('table', 'wh.shop.sales.nope'), 404, /table instance for wh.shop.sales.nope not found/)
    await refused(catalog.getEntity('databaseSchema', 'wh.shop.sales.orders'), 404, /not found/)
  })

  it('lists with OpenMetadata paging: limit, opaque after, total; filters by service, database and schema', async () => {
    const names: string[] = []
    let after: string | undefined
    let pages = 0
    do {
      const page = await catalog.listEntities('table', { databaseSchema: 'wh.shop.sales' }, { limit: 2, ...(after ? { after } : {}) })
      expect(page.paging.total).toBe(5)
      names.push(...page.data.map((t) => t.name))
      after = page.paging.after
      pages++
    } while (after)
    expect(pages).toBe(3)
    expect(names).toEqual(['customers', 'invoices', 'orders', 'payments', 'returns'])
    expect((await catalog.listEntities('table', { database: 'wh.shop' }, { limit: 100 })).paging.total).toBe(6)
    expect((await catalog.listEntities('table', { service: 'wh' }, { limit: 0 })).paging).toEqual({ total: 6 })
    expect((await catalog.listEntities('databaseSchema', { database: 'wh.shop' })).data.map((s) => s.name)).toEqual(['hr', 'sales'])
    expect((await catalog.listEntities('database', { service: 'other' })).paging.total).toBe(0)
    await refused(catalog.listEntities('table', {}, { after: 'not-a-cursor' }), 400, /paging cursor/)
  })

  it('patches as OpenMetadata records it: version +0.1, one event, read back by the normalizer as exactly the edits', async () => {
    const before = await catalog.getEntity('table', 'wh.shop.sales.orders', 'columns,tags,owners')
    const since = clock
    const patched = await catalog.patchEntity(
      'table',
      before.id,
      [
        { op: 'add', path: '/columns/1/description', value: 'Latitude, WGS84' },
        { op: 'add', path: '/columns/0/tags/0', value: { tagFQN: 'PII.Sensitive', source: 'Classification' } },
        { op: 'add', path: '/owners/0', value: { type: 'team', name: 'data' } },
        { op: 'replace', path: '/description', value: 'Every order' },
      ],
      'alice',
    )
    expect(patched).toMatchObject({ version: 0.2, updatedBy: 'alice', description: 'Every order' })
    expect(patched.owners).toEqual([{ id: expect.any(String), type: 'team', name: 'data', fullyQualifiedName: 'data', deleted: false }])
    expect(patched.columns?.[0]?.tags).toEqual([{ tagFQN: 'PII.Sensitive', name: 'Sensitive', description: 'Sensitive data', source: 'Classification', labelType: 'Manual', state: 'Confirmed' }])
    const events = (await catalog.listEvents(since, { entityUpdated: ['table'] })) as Record<string, unknown>[]
    expect(events).toHaveLength(1)
    const event = events[0]!
    expect(event).toMatchObject({ eventType: 'entityUpdated', entityType: 'table', entityId: before.id, entityFullyQualifiedName: 'wh.shop.sales.orders', previousVersion: 0.1, currentVersion: 0.2, userName: 'alice' })
    expect(event.changeDescription).toEqual({
      fieldsAdded: [
        { name: 'owners', newValue: JSON.stringify(patched.owners) },
        { name: 'columns.email.tags', newValue: JSON.stringify(patched.columns?.[0]?.tags) },
        { name: 'columns."geo.lat".description', newValue: 'Latitude, WGS84' },
      ],
      fieldsUpdated: [{ name: 'description', oldValue: 'Orders placed', newValue: 'Every order' }],
      fieldsDeleted: [],
      previousVersion: 0.1,
    })
    expect(event.incrementalChangeDescription).toEqual(event.changeDescription)
    const { changes, errors } = normalizeChangeEvents(events)
    expect(errors).toEqual([])
    const table = { level: 'table', service: 'wh', database: 'shop', schema: 'sales', table: 'orders' }
    expect(changes.map((c) => ({ ...c, origin: undefined }))).toEqual([
      { kind: 'owners', asset: table, added: [{ type: 'team', name: 'data', fullyQualifiedName: 'data', id: expect.any(String) }], removed: [], origin: undefined },
      { kind: 'tags', asset: { ...table, level: 'column', column: 'email' }, added: [{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed', name: 'Sensitive' }], removed: [], origin: undefined },
      { kind: 'description', asset: { ...table, level: 'column', column: 'geo.lat' }, before: null, after: 'Latitude, WGS84', origin: undefined },
      { kind: 'description', asset: table, before: 'Orders placed', after: 'Every order', origin: undefined },
    ])
    expect(changes[0]!.origin).toMatchObject({ user: 'alice', eventId: event.id })

    // Removing what was added: fieldsDeleted, and the next version.
    const again = await catalog.patchEntity('table', before.id, [{ op: 'remove', path: '/owners/0' }, { op: 'remove', path: '/columns/1/description' }], 'alice')
    expect(again.version).toBe(0.3)
    const [second] = (await catalog.listEvents(clock, { entityUpdated: ['*'] })) as Record<string, unknown>[]
    expect(second!.changeDescription).toMatchObject({ fieldsAdded: [], fieldsDeleted: [{ name: 'owners' }, { name: 'columns."geo.lat".description', oldValue: 'Latitude, WGS84' }] })
  })

  it('records nothing for a patch that changes nothing', async () => {
    const before = await catalog.getEntity('table', 'wh.shop.sales.customers', 'columns,tags,owners')
    const since = clock + 1
    const after = await catalog.patchEntity('table', before.id, [{ op: 'add', path: '/description', value: '' }, { op: 'add', path: '/tags', value: [] }], 'alice')
    expect(after.version).toBe(before.version)
    expect(await catalog.listEvents(since, { entityUpdated: ['*'] })).toEqual([])
  })

  it('refuses identity and reference changes, unknown labels, column structure, and malformed patches', async () => {
    const id = orders.id as string
    const patch = (ops: unknown) => catalog.patchEntity('table', id, ops, 'alice')
    await refused(patch([{ op: 'replace', path: '/name', value: 'x' }]), 400, /name of a table cannot be changed/)
    await refused(patch([{ op: 'replace', path: '/fullyQualifiedName', value: 'wh.shop.sales.x' }]), 400, /fullyQualifiedName/)
    await refused(patch([{ op: 'replace', path: '/id', value: '00000000-0000-4000-8000-000000000000' }]), 400, /id of a table/)
    await refused(patch([{ op: 'replace', path: '/service/name', value: 'other' }]), 400, /service of a table/)
    await refused(patch([{ op: 'replace', path: '/databaseSchema/fullyQualifiedName', value: 'wh.shop.hr' }]), 400, /databaseSchema/)
    await refused(patch([{ op: 'add', path: '/extension', value: { x: 1 } }]), 400, /extension of a table cannot be changed/)
    await refused(patch([{ op: 'add', path: '/tags/0', value: { tagFQN: 'PII.Unknown' } }]), 404, /tag instance for PII.Unknown not found/)
    await refused(patch([{ op: 'add', path: '/tags/0', value: { tagFQN: 'Glossary.Term', source: 'Glossary' } }]), 400, /no glossaries/)
    await refused(patch([{ op: 'add', path: '/tags/0', value: { tagFQN: 'Tier.Tier1' } }, { op: 'add', path: '/tags/0', value: { tagFQN: 'PII.Sensitive' } }, { op: 'add', path: '/tags/0', value: { tagFQN: 'PII.NonSensitive' } }]), 400, /mutually exclusive/)
    await refused(patch([{ op: 'add', path: '/owners/0', value: { type: 'user', name: 'mallory' } }]), 404, /user instance for mallory not found/)
    await refused(patch([{ op: 'add', path: '/owners/0', value: { type: 'bot', name: 'x' } }]), 400, /user or a team/)
    await refused(patch([{ op: 'add', path: '/columns/-', value: { name: 'extra', dataType: 'INT' } }]), 400, /added or removed/)
    await refused(patch([{ op: 'replace', path: '/columns/0/dataType', value: 'INT' }]), 400, /dataType .* cannot be changed/)
    await refused(patch([{ op: 'replace', path: '/columns/0/name', value: 'mail' }]), 400, /renamed or reordered/)
    await refused(patch({ op: 'replace', path: '/description', value: 'x' }), 400, /JSON array/)
    await refused(patch([{ op: 'replace', path: '/nope/deeper', value: 'x' }]), 400, /Invalid JSON Patch/)
    await refused(patch([{ op: 'test', path: '/description', value: 'not it' }]), 400, /TEST_OPERATION_FAILED/)
    await refused(catalog.patchEntity('table', '00000000-0000-4000-8000-000000000000', [], 'alice'), 404, /not found/)
    await refused(catalog.patchEntity('databaseSchema', id, [], 'alice'), 404, /not found/)
  })

  it('keeps users, teams and tags: PUT creates or updates, memberships from either side', async () => {
    const again = await catalog.directory.putUser({ name: 'bob', displayName: 'Bob B.', teams: ['data'] })
    expect(again.created).toBe(false)
    expect(again.value).toMatchObject({ name: 'bob', email: 'bob@example.com', displayName: 'Bob B.', teams: [{ type: 'team', name: 'data' }] })
    const team = await catalog.directory.getTeam('data', new Set(['users']))
    expect(team.users?.map((u) => u.name)).toEqual(['alice', 'bob'])
    expect(await catalog.directory.getTeam('data')).not.toHaveProperty('users')
    const dotted = await catalog.directory.putUser({ name: 'carol.c', email: 'carol@example.com' })
    expect(dotted).toMatchObject({ created: true, value: { fullyQualifiedName: '"carol.c"' } })
    expect(await catalog.directory.getTag('PII.Sensitive')).toMatchObject({ name: 'Sensitive', classification: { name: 'PII' } })
    await refused(catalog.directory.putTag({ classification: 'Nope', name: 'x' }), 404, /classification instance for Nope/)
    await refused(catalog.directory.putUser({ name: 'x', teams: ['ghosts'] }), 404, /team instance for ghosts/)
    await refused(catalog.directory.getUser('nobody'), 404, /user instance for nobody not found/)
  })

  it('reads in process as a CatalogReader (live entities, every field)', async () => {
    const tables = []
    for await (const t of catalog.reader(2).listEntities('table', { databaseSchema: 'wh.shop.sales' })) tables.push(t)
    expect(tables.map((t) => t.name)).toEqual(['customers', 'invoices', 'orders', 'payments', 'returns'])
    expect(tables[2]?.columns).toHaveLength(3)
    expect(tables[2]?.tags).toEqual([])
  })
})
