import { describe, expect, it } from 'vitest'
import { columnField, diffEntities } from '../../src/catalog/change-description.js'
import { entityReference, tagLabel } from '../../src/catalog/om-json.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'

const alice = entityReference({ id: '11111111-1111-4111-8111-111111111111', type: 'user', name: 'alice', fullyQualifiedName: 'alice' })
const data = entityReference({ id: '22222222-2222-4222-8222-222222222222', type: 'team', name: 'data', fullyQualifiedName: 'data' })
const pii = tagLabel({ tagFQN: 'PII.Sensitive', name: 'Sensitive' })
const tier = tagLabel({ tagFQN: 'Tier.Tier1', name: 'Tier1' })

const base = {
  id: '33333333-3333-4333-8333-333333333333',
  name: 'orders',
  fullyQualifiedName: 'wh.shop.sales.orders',
  version: 0.2,
}

// Hand-written: exactly what OpenMetadata's JsonUtils.pojoToJson produces for these lists.
const aliceJson = '[{"id":"11111111-1111-4111-8111-111111111111","type":"user","name":"alice","fullyQualifiedName":"alice","deleted":false}]'
const dataJson = '[{"id":"22222222-2222-4222-8222-222222222222","type":"team","name":"data","fullyQualifiedName":"data","deleted":false}]'
const piiJson = '[{"tagFQN":"PII.Sensitive","name":"Sensitive","source":"Classification","labelType":"Manual","state":"Confirmed"}]'
const tierJson = '[{"tagFQN":"Tier.Tier1","name":"Tier1","source":"Classification","labelType":"Manual","state":"Confirmed"}]'

describe('change description (EntityUpdater rules)', () => {
  it('description: added when there was none, updated, deleted when emptied; plain strings', () => {
    expect(diffEntities({ ...base }, { ...base, description: 'Orders placed' })).toEqual({
      fieldsAdded: [{ name: 'description', newValue: 'Orders placed' }],
      fieldsUpdated: [],
      fieldsDeleted: [],
      major: false,
    })
    expect(diffEntities({ ...base, description: 'a' }, { ...base, description: 'b' }).fieldsUpdated).toEqual([{ name: 'description', oldValue: 'a', newValue: 'b' }])
    expect(diffEntities({ ...base, description: 'a' }, { ...base, description: '' }).fieldsDeleted).toEqual([{ name: 'description', oldValue: 'a' }])
    expect(diffEntities({ ...base, description: 'a' }, { ...base }).fieldsDeleted).toEqual([{ name: 'description', oldValue: 'a' }])
    // An empty description is no description: no change at all.
    expect(diffEntities({ ...base, description: '' }, { ...base })).toEqual({ fieldsAdded: [], fieldsUpdated: [], fieldsDeleted: [], major: false })
  })

  it('tags and owners: added items as a JSON string in fieldsAdded, removed ones in fieldsDeleted', () => {
    const diff = diffEntities({ ...base, owners: [alice], tags: [pii] }, { ...base, owners: [data], tags: [tier] })
    expect(diff.fieldsAdded).toEqual([
      { name: 'owners', newValue: dataJson },
      { name: 'tags', newValue: tierJson },
    ])
    expect(diff.fieldsDeleted).toEqual([
      { name: 'owners', oldValue: aliceJson },
      { name: 'tags', oldValue: piiJson },
    ])
    expect(diff.fieldsUpdated).toEqual([])
    // Same tag, other labelType: tagLabelMatch compares tagFQN and source only.
    expect(diffEntities({ ...base, tags: [pii] }, { ...base, tags: [{ ...pii, labelType: 'Automated' }] }).fieldsAdded).toEqual([])
  })

  it('columns: columns.<name>.description / .tags, a dotted name quoted, a dropped column a major change', () => {
    const before = {
      ...base,
      columns: [
        { name: 'id', dataType: 'INT', description: 'pk', tags: [] },
        { name: 'geo.lat', dataType: 'DOUBLE', tags: [] },
        { name: 'email', dataType: 'VARCHAR', description: 'mail', tags: [pii] },
      ],
    }
    const after = {
      ...base,
      columns: [
        { name: 'id', dataType: 'INT', tags: [] },
        { name: 'geo.lat', dataType: 'DOUBLE', description: 'latitude', tags: [] },
        { name: 'email', dataType: 'VARCHAR', description: 'mail', tags: [tier] },
      ],
    }
    expect(diffEntities(before, after)).toEqual({
      fieldsAdded: [
        { name: 'columns."geo.lat".description', newValue: 'latitude' },
        { name: 'columns.email.tags', newValue: tierJson },
      ],
      fieldsUpdated: [],
      fieldsDeleted: [
        { name: 'columns.id.description', oldValue: 'pk' },
        { name: 'columns.email.tags', oldValue: piiJson },
      ],
      major: false,
    })
    expect(columnField('a.b', 'tags')).toBe('columns."a.b".tags')
    const dropped = diffEntities(before, { ...base, columns: before.columns.slice(1) })
    expect(dropped.major).toBe(true)
    expect(dropped.fieldsDeleted).toEqual([{ name: 'columns', oldValue: JSON.stringify([before.columns[0]]) }])
  })

  it('soft deletion is an update of `deleted`', () => {
    expect(diffEntities({ ...base, deleted: false }, { ...base, deleted: true }).fieldsUpdated).toEqual([{ name: 'deleted', oldValue: false, newValue: true }])
  })

  it('round trip: the normalizer reads exactly the intended changes back', () => {
    const before = { ...base, description: 'Old', owners: [alice], tags: [pii], columns: [{ name: 'geo.lat', dataType: 'DOUBLE', tags: [] }, { name: 'email', dataType: 'VARCHAR', description: 'mail', tags: [pii] }] }
    const after = { ...base, description: 'New', owners: [data], tags: [], columns: [{ name: 'geo.lat', dataType: 'DOUBLE', description: 'latitude', tags: [tier] }, { name: 'email', dataType: 'VARCHAR', tags: [pii] }] }
    const { major: _major, ...lists } = diffEntities(before, after)
    const description = { ...lists, previousVersion: 0.2 }
    const event = { id: 'e1', eventType: 'entityUpdated', entityType: 'table', entityId: base.id, entityFullyQualifiedName: base.fullyQualifiedName, previousVersion: 0.2, currentVersion: 0.3, userName: 'admin', timestamp: 1, changeDescription: description, incrementalChangeDescription: description, entity: after }
    const result = normalizeChangeEvents([event])
    expect(result.errors).toEqual([])
    const table = { level: 'table', service: 'wh', database: 'shop', schema: 'sales', table: 'orders' }
    const column = (name: string) => ({ ...table, level: 'column', column: name })
    const origin = { source: 'event', index: 0, eventId: 'e1', user: 'admin', timestamp: 1, version: 0.3 }
    expect(result.changes).toEqual([
      { kind: 'owners', asset: table, origin, added: [{ type: 'team', name: 'data', fullyQualifiedName: 'data', id: data.id }], removed: [{ type: 'user', name: 'alice', fullyQualifiedName: 'alice', id: alice.id }] },
      { kind: 'description', asset: column('geo.lat'), origin, after: 'latitude', before: null },
      { kind: 'tags', asset: column('geo.lat'), origin, added: [{ tagFQN: 'Tier.Tier1', source: 'Classification', labelType: 'Manual', state: 'Confirmed', name: 'Tier1' }], removed: [] },
      { kind: 'description', asset: table, origin, after: 'New', before: 'Old' },
      { kind: 'tags', asset: table, origin, added: [], removed: [{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed', name: 'Sensitive' }] },
      { kind: 'description', asset: column('email'), origin, after: null, before: 'mail' },
    ])
  })
})
