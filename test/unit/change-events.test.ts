import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { parseEventsText } from '../../src/inputs/read-input.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { Change, OwnersChange, TagsChange } from '../../src/model/change.js'

function fixture(name: string): unknown[] {
  const url = new URL(`../fixtures/events/${name}`, import.meta.url)
  const { items, errors } = parseEventsText(readFileSync(url, 'utf8'), name)
  expect(errors).toEqual([])
  return items
}

const orders: AssetRef = { level: 'table', service: 'warehouse', database: 'shop', schema: 'public', table: 'orders' }
const column = (name: string, table: AssetRef = orders): AssetRef => ({ ...table, level: 'column', column: name })
const tagFqns = (change: Change | undefined): { added: string[]; removed: string[] } => {
  const tags = change as TagsChange
  return { added: tags.added.map((t) => t.tagFQN), removed: tags.removed.map((t) => t.tagFQN) }
}
const ownerNames = (change: Change | undefined): { added: string[]; removed: string[] } => {
  const owners = change as OwnersChange
  return { added: owners.added.map((o) => `${o.type}:${o.name}`), removed: owners.removed.map((o) => `${o.type}:${o.name}`) }
}
const find = (changes: Change[], kind: Change['kind'], asset: AssetRef): Change | undefined =>
  changes.find((c) => c.kind === kind && JSON.stringify(c.asset) === JSON.stringify(asset))

/** A minimal event, values JSON-encoded as OpenMetadata emits them. */
function event(entityType: string, fqn: string, lists: { added?: object[]; updated?: object[]; deleted?: object[] }, extra: object = {}): object {
  return {
    id: 'e-1',
    eventType: 'entityUpdated',
    entityType,
    entityId: 'x',
    entityFullyQualifiedName: fqn,
    userName: 'admin',
    timestamp: 1712345678000,
    changeDescription: { fieldsAdded: lists.added ?? [], fieldsUpdated: lists.updated ?? [], fieldsDeleted: lists.deleted ?? [] },
    ...extra,
  }
}
const tagsJson = (...fqns: string[]): string => JSON.stringify(fqns.map((tagFQN) => ({ tagFQN, source: 'Classification', labelType: 'Manual', state: 'Confirmed' })))
const userJson = (...names: string[]): string => JSON.stringify(names.map((name) => ({ id: `id-${name}`, type: 'user', name })))

describe('normalizeChangeEvents: descriptions', () => {
  it('reads a webhook body with an updated table description and its origin', () => {
    const { changes, ignored, errors } = normalizeChangeEvents(fixture('table-description-updated.json'))
    expect(errors).toEqual([])
    expect(ignored).toEqual({})
    expect(changes).toEqual([
      {
        kind: 'description',
        asset: orders,
        before: 'Orders placed by customers',
        after: 'All orders placed through the web shop, one row per order.\nSee the *orders* runbook.',
        origin: { source: 'event', index: 0, eventId: '4b2e8f0a-1c3d-4e5f-8a9b-0c1d2e3f4a01', user: 'alice', timestamp: 1712345678000, version: 0.3 },
      },
    ])
  })

  it('covers added, updated and deleted at all four levels', () => {
    const db = { level: 'database', service: 's', database: 'd' } as const
    const schema = { ...db, level: 'schema', schema: 'x' } as const
    const table = { ...schema, level: 'table', table: 't' } as const
    const { changes, errors } = normalizeChangeEvents([
      event('database', 's.d', { added: [{ name: 'description', newValue: 'new db' }] }),
      event('databaseSchema', 's.d.x', { updated: [{ name: 'description', oldValue: 'a', newValue: 'b' }] }),
      event('table', 's.d.x.t', { deleted: [{ name: 'description', oldValue: 'gone' }] }),
      event('table', 's.d.x.t', { updated: [{ name: 'columns.c1.description', oldValue: 'a', newValue: '' }] }),
    ])
    expect(errors).toEqual([])
    expect(changes.map(({ asset, kind, ...rest }) => ({ asset, kind, before: 'before' in rest ? rest.before : 'absent', after: 'after' in rest ? rest.after : 'absent' }))).toEqual([
      { asset: db, kind: 'description', before: null, after: 'new db' },
      { asset: schema, kind: 'description', before: 'a', after: 'b' },
      { asset: table, kind: 'description', before: 'gone', after: null },
      { asset: column('c1', table), kind: 'description', before: 'a', after: '' },
    ])
  })

  it('prefers incrementalChangeDescription, falling back when it is empty', () => {
    const { changes } = normalizeChangeEvents(fixture('incremental-preferred.json'))
    expect(changes).toHaveLength(2)
    expect(changes[0]).toMatchObject({ kind: 'description', before: 'v2', after: 'v3' })
    expect(tagFqns(changes[1])).toEqual({ added: ['Tier.Tier1'], removed: [] })
  })
})

describe('normalizeChangeEvents: tags and owners', () => {
  it('merges one event into one change per asset and kind, with columns quoted when they hold a dot', () => {
    const { changes, ignored, errors } = normalizeChangeEvents(fixture('table-many-fields.json'))
    expect(errors).toEqual([])
    expect(changes).toHaveLength(6)
    expect(tagFqns(find(changes, 'tags', orders))).toEqual({ added: ['PII.Sensitive', 'Business.Revenue'], removed: ['Tier.Tier1'] })
    expect((find(changes, 'tags', orders) as TagsChange).added[1]).toEqual({ tagFQN: 'Business.Revenue', source: 'Glossary', labelType: 'Manual', state: 'Confirmed', name: 'Revenue' })
    expect(ownerNames(find(changes, 'owners', orders))).toEqual({ added: ['user:alice', 'team:Data Platform'], removed: [] })
    expect((find(changes, 'owners', orders) as OwnersChange).added[0]).toEqual({
      type: 'user', name: 'alice', fullyQualifiedName: 'alice', displayName: 'Alice Liddell', email: 'alice@example.com', id: '7f1c6a52-4d4b-4c5e-9a77-0c3c2d1b9e01',
    })
    expect(tagFqns(find(changes, 'tags', column('email')))).toEqual({ added: ['PII.Sensitive'], removed: [] })
    expect(find(changes, 'description', column('email'))).toMatchObject({ before: 'email', after: 'Customer e-mail address, lower-cased' })
    expect(find(changes, 'description', column('shipping.address'))).toMatchObject({ after: 'Street, city and postcode' })
    expect(tagFqns(find(changes, 'tags', column('shipping.address')))).toEqual({ added: [], removed: ['PII.Sensitive'] })
    expect(ignored).toEqual({ 'field:columns': 1, 'field:columns.*': 1, 'field:columns.*.displayName': 1, 'field:displayName': 1, 'field:extension': 1 })
    expect(new Set(changes.map((c) => c.origin.user))).toEqual(new Set(['bob']))
  })

  it('diffs fieldsUpdated lists by tagFQN and owner, at schema and database level and in quoted FQNs', () => {
    const { changes, errors } = normalizeChangeEvents(fixture('schema-and-database.json'))
    expect(errors).toEqual([])
    const sales: AssetRef = { level: 'schema', service: 'warehouse', database: 'shop', schema: 'sales' }
    const shop: AssetRef = { level: 'database', service: 'warehouse', database: 'shop' }
    expect(ownerNames(find(changes, 'owners', sales))).toEqual({ added: ['team:Data Platform'], removed: ['user:alice'] })
    expect(tagFqns(find(changes, 'tags', sales))).toEqual({ added: ['Tier.Tier2'], removed: [] })
    expect(find(changes, 'description', sales)).toMatchObject({ before: null, after: 'Everything the sales team owns' })
    // Tier1 stays (relabelled Derived), so only Tier2 is new.
    expect(tagFqns(find(changes, 'tags', shop))).toEqual({ added: ['Tier.Tier2'], removed: [] })
    expect(find(changes, 'description', shop)).toMatchObject({ before: "The web shop's database", after: null })
    expect(ownerNames(find(changes, 'owners', shop))).toEqual({ added: [], removed: ['user:bob'] })
    const eu: AssetRef = { level: 'table', service: 'warehouse', database: 'shop.eu', schema: 'public', table: 'orders.2024' }
    expect(find(changes, 'description', eu)).toMatchObject({ after: 'new' })
    expect(tagFqns(find(changes, 'tags', column('a.b', eu)))).toEqual({ added: ['PII.Sensitive'], removed: [] })
  })

  it('reads the legacy single owner, and the FQN from a stringified entity when it is the only source', () => {
    const { changes, errors } = normalizeChangeEvents(fixture('legacy-owner.json'))
    expect(errors).toEqual([])
    expect(ownerNames(changes[0])).toEqual({ added: ['team:Data Platform'], removed: ['user:bob'] })
    expect(ownerNames(changes[1])).toEqual({ added: ['user:alice'], removed: [] })
    const [legacy] = fixture('legacy-owner.json') as Record<string, unknown>[]
    const withoutFqn = { ...legacy, entityFullyQualifiedName: undefined }
    expect(normalizeChangeEvents([withoutFqn]).changes[0]?.asset).toEqual({ ...orders, table: 'customers' })
  })

  it('accepts already-parsed values, defaults the tag source, and drops a tag both added and deleted from removed', () => {
    const { changes, ignored, errors } = normalizeChangeEvents([
      event('table', 's.d.x.t', {
        added: [{ name: 'tags', newValue: [{ tagFQN: 'PII.Email' }, { tagFQN: 'Tier.Tier1' }] }, { name: 'owners', newValue: [{ type: 'Team', name: 'ops' }] }],
        deleted: [{ name: 'tags', oldValue: tagsJson('Tier.Tier1', 'Tier.Tier3') }],
      }),
      event('table', 's.d.x.t', { updated: [{ name: 'owners', oldValue: userJson('a', 'b'), newValue: userJson('b', 'a') }] }),
    ])
    expect(errors).toEqual([])
    expect((changes[0] as TagsChange).added[0]).toEqual({ tagFQN: 'PII.Email', source: 'Classification' })
    expect(tagFqns(changes[0])).toEqual({ added: ['PII.Email', 'Tier.Tier1'], removed: ['Tier.Tier3'] })
    expect(ownerNames(changes[1])).toEqual({ added: ['team:ops'], removed: [] })
    expect(changes).toHaveLength(2)
    expect(ignored).toEqual({ 'noEffect:owners': 1 })
  })
})

describe('normalizeChangeEvents: ignored and malformed events', () => {
  it('counts ignored events and reports malformed ones while the others still come through', () => {
    const { changes, ignored, errors } = normalizeChangeEvents(fixture('mixed-batch.jsonl'))
    expect(changes.map((c) => [c.origin.index, c.kind, c.asset.level])).toEqual([
      [2, 'tags', 'column'],
      [9, 'description', 'schema'],
    ])
    expect(changes[0]).toMatchObject({ asset: column('card_number', { ...orders, table: 'payments' }), added: [{ tagFQN: 'PII.CreditCard', source: 'Classification', state: 'Confirmed' }] })
    expect(ignored).toEqual({
      'entityType:dashboard': 1,
      'entityType:THREAD': 1,
      'eventType:entityDeleted': 1,
      'eventType:entitySoftDeleted': 1,
      'eventType:entityCreated': 1,
    })
    expect(errors.map((e) => [e.code, e.details.index, e.details.field])).toEqual([
      ['INPUT_MALFORMED', 3, 'tags'],
      ['INPUT_MALFORMED', 6, 'tags'],
      ['FQN_INVALID', 7, 'entityFullyQualifiedName'],
    ])
    expect(errors[0]?.details.eventId).toBe('4b2e8f0a-1c3d-4e5f-8a9b-0c1d2e3f4a13')
    expect(errors[0]?.message).toMatch(/^Event 3 \(id 4b2e8f0a-1c3d-4e5f-8a9b-0c1d2e3f4a13\), field tags: /)
    expect(errors[2]?.message).toContain('warehouse.shop.public.orders.extra')
  })

  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { message: 'This is a test message from OpenMetadata to confirm your webhook destination is configured correctly.' },
      { entityType: 'table', id: 'no-event-type' },
      event('table', 's.d.x.t', {}, { timestamp: 'yesterday' }),
      event('table', 's.d.x.t', { added: [{ newValue: 'no name' }] }),
      event('table', 's.d.x.t', { added: [{ name: 'description', newValue: 42 }] }),
      event('table', 's.d.x.t', { added: [{ name: 'owners', newValue: JSON.stringify([{ type: 'bot', name: 'ingestion-bot' }]) }] }),
      event('table', 's.d.x.t', { added: [{ name: 'tags', newValue: JSON.stringify([{ tagFQN: 'A.b', source: 'Derived' }]) }] }),
      event('table', 's.d.x.t', { added: [{ name: 'columns."c1.description', newValue: 'x' }] }),
      event('table', 's.d.x."t', { added: [{ name: 'description', newValue: 'x' }] }),
      event('table', 's.d.x.t', { added: [{ name: 'description', newValue: 'kept' }] }, { id: 'good' }),
    ]
    const result = normalizeChangeEvents(inputs, { startIndex: 100 })
    expect(result.changes).toHaveLength(1)
    expect(result.changes[0]?.origin).toMatchObject({ index: 114, eventId: 'good' })
    expect(result.ignored).toEqual({ testMessage: 1 })
    expect(result.errors.map((e) => [e.details.index, e.code, e.details.field])).toEqual([
      [100, 'INPUT_MALFORMED', undefined],
      [101, 'INPUT_MALFORMED', undefined],
      [102, 'INPUT_MALFORMED', undefined],
      [103, 'INPUT_MALFORMED', undefined],
      [104, 'INPUT_MALFORMED', 'entityType'],
      [106, 'INPUT_MALFORMED', 'eventType'],
      [107, 'INPUT_MALFORMED', 'timestamp'],
      [108, 'INPUT_MALFORMED', 'changeDescription.fieldsAdded.0.name'],
      [109, 'INPUT_MALFORMED', 'description'],
      [110, 'INPUT_MALFORMED', 'owners'],
      [111, 'INPUT_MALFORMED', 'tags'],
      [112, 'INPUT_MALFORMED', 'columns."c1.description'],
      [113, 'FQN_INVALID', 'entityFullyQualifiedName'],
    ])
    expect(result.errors[0]?.details.eventId).toBeUndefined()
  })

  it('ignores updates without field changes, and created events without a change description', () => {
    const created = { ...event('table', 's.d.x.t', { added: [{ name: 'description', newValue: 'first' }] }), eventType: 'entityCreated' }
    const { changes, ignored } = normalizeChangeEvents([
      event('table', 's.d.x.t', {}),
      { ...event('table', 's.d.x.t', {}), changeDescription: null },
      created,
      event('table', 's.d.x.t', { added: [{ name: 'columns.c1.c2.description', newValue: 'nested' }, { name: 'columns.c1.owners', newValue: '[]' }] }),
      event('databaseSchema', 's.d.x', { added: [{ name: 'columns.c1.description', newValue: 'no columns here' }] }),
    ])
    // A nested path (older OpenMetadata) is a change now, to be settled against the table's columns.
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'description', after: 'first' }),
      expect.objectContaining({ kind: 'description', after: 'nested', asset: expect.objectContaining({ column: 'c1', path: ['c2'], spelling: ['c1', 'c2'] }) }),
    ])
    expect(ignored).toEqual({ noFieldChanges: 2, 'field:columns.*.owners': 1, 'field:columns.c1.description': 1 })
  })
})
