import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import type { OwnersChange, TagsChange } from '../../src/model/change.js'

const pipeline = JSON.parse(readFileSync(new URL('../fixtures/pipeline/reverse-ingestion.json', import.meta.url), 'utf8')) as {
  operations: Record<string, unknown>[]
} & Record<string, unknown>

const withOperations = (...operations: unknown[]): object => ({ ...pipeline, operations })

describe('normalizePipeline', () => {
  it('turns each operation into a change at the level its entity link names', () => {
    const { changes, errors, templates, ignored } = normalizePipeline(pipeline)
    expect(ignored).toEqual({})
    expect(changes.map((c) => [c.origin.index, c.kind, c.asset.level])).toEqual([
      [0, 'description', 'table'],
      [1, 'description', 'column'],
      [2, 'tags', 'column'],
      [3, 'owners', 'schema'],
      [4, 'description', 'database'],
    ])
    expect(changes[0]).toEqual({
      kind: 'description',
      asset: { level: 'table', service: 'warehouse', database: 'shop', schema: 'public', table: 'orders' },
      before: 'Orders placed by customers',
      after: 'All orders placed through the web shop',
      origin: { source: 'pipeline', index: 0, eventId: '5d1f0a2b-3c4d-4e5f-9a0b-1c2d3e4f5a01' },
    })
    expect(changes[1]).toMatchObject({ asset: { column: 'email' }, before: null, after: 'Customer e-mail, lower-cased' })
    const tags = changes[2] as TagsChange
    expect(tags.asset).toEqual({ level: 'column', service: 'warehouse', database: 'shop', schema: 'public', table: 'orders.2024', column: 'a.b' })
    expect(tags.added).toEqual([{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed', name: 'Sensitive' }])
    expect(tags.removed.map((t) => t.tagFQN)).toEqual(['Tier.Tier1'])
    const owners = changes[3] as OwnersChange
    expect(owners.added.map((o) => `${o.type}:${o.name}`)).toEqual(['team:Data Platform'])
    expect(owners.removed.map((o) => `${o.type}:${o.name}`)).toEqual(['user:alice'])
    expect(templates).toEqual({ 4: 'COMMENT ON DATABASE {database} IS {description}' })
    expect(errors.map((e) => [e.code, e.details.index, e.details.eventId, e.details.field])).toEqual([
      ['INPUT_MALFORMED', 5, '5d1f0a2b-3c4d-4e5f-9a0b-1c2d3e4f5a06', 'parameters.addedTags'],
      ['FQN_INVALID', 6, '5d1f0a2b-3c4d-4e5f-9a0b-1c2d3e4f5a07', 'entityLink'],
    ])
    expect(errors[0]?.message).toMatch(/^Operation 5 \(id 5d1f0a2b-3c4d-4e5f-9a0b-1c2d3e4f5a06\), field parameters.addedTags: /)
  })

  it('reads an absent newDescription as removal, and leaves templates out when there are none', () => {
    const result = normalizePipeline(
      withOperations({ id: 'a', entityLink: '<#E::table::warehouse.shop.public.orders::description>', type: 'UPDATE_DESCRIPTION', parameters: { previousDescription: 'old' } }),
    )
    expect(result.changes[0]).toMatchObject({ before: 'old', after: null })
    expect(result.templates).toBeUndefined()
  })

  it('counts unknown operation types and operations without effect, and reports bad ones', () => {
    const { changes, ignored, errors } = normalizePipeline(
      withOperations(
        { id: 'a', entityLink: '<#E::table::warehouse.shop.public.orders>', type: 'UPDATE_DOMAIN', parameters: {} },
        { id: 'b', entityLink: '<#E::table::warehouse.shop.public.orders::tags>', type: 'UPDATE_TAGS', parameters: { addedTags: [], removedTags: [] } },
        { id: 'c', entityLink: '<#E::table::other.shop.public.orders::description>', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'x' } },
        { id: 'd', entityLink: 'warehouse.shop.public.orders', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'x' } },
        { id: 'e', type: 'UPDATE_DESCRIPTION', parameters: {} },
        { id: 'f', entityLink: '<#E::table::warehouse.shop.public.orders::owner>', type: 'UPDATE_OWNER', parameters: { addedOwners: [{ type: 'user' }] } },
        'not an operation',
        { id: 'g', entityLink: '<#E::table::warehouse.shop.public.orders::description>', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 5 } },
        { id: 'h', entityLink: '<#E::table::warehouse.shop.public.orders::owner>', type: 'UPDATE_OWNER', parameters: { addedOwners: '[{"type":"user","name":"jo"}]' } },
      ),
    )
    expect(ignored).toEqual({ 'operationType:UPDATE_DOMAIN': 1, 'noEffect:tags': 1 })
    expect(errors.map((e) => [e.details.index, e.code, e.details.field])).toEqual([
      [2, 'INPUT_MALFORMED', 'entityLink'],
      [3, 'ENTITY_LINK_INVALID', 'entityLink'],
      [4, 'INPUT_MALFORMED', 'entityLink'],
      [5, 'INPUT_MALFORMED', 'parameters.addedOwners'],
      [6, 'INPUT_MALFORMED', undefined],
      [7, 'INPUT_MALFORMED', 'parameters.newDescription'],
    ])
    expect(changes).toHaveLength(1)
    expect((changes[0] as OwnersChange).added).toEqual([{ type: 'user', name: 'jo' }])
  })

  it('reports a document that is not a pipeline without throwing', () => {
    for (const json of [null, [], { operations: 'none' }, { type: 'Metadata', operations: [] }]) {
      const result = normalizePipeline(json)
      expect(result.changes).toEqual([])
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]?.code).toBe('INPUT_MALFORMED')
    }
  })
})
