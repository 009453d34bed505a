import { displayOf } from '../../src/model/statement.js'
import { describe, expect, it } from 'vitest'
import { compileChannelTemplates } from '../../src/channels/compile-channel-templates.js'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import type { ObjectState } from '../../src/connectors/connector.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { Operation } from '../../src/model/operation.js'

const dialect = new PostgresDialect()
const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'c' }), services: ['s'], compiled: {} }
const owners = ownerMappingSchema.parse({ map: { 'team:Finance': 'finance' } })
const view: AssetRef = { level: 'table', service: 's', database: 'd', schema: 'sales', table: 'daily' }
const base = { id: 'x', channel: 'c', service: 's', asset: view, origins: [] }
const describeOp = (description: string | null): Operation => ({ ...base, kind: 'description', description })
const snapshot = (state: ObjectState) => new Map([['s.d.sales.daily', state]])

describe('prepareOperation', () => {
  it('renders for the object type read back (a view), not the level', () => {
    const p = prepareOperation(describeOp('hi'), dialect, owners, channel, snapshot({ objectType: 'view', description: null }))
    expect(p).toMatchObject({ outcome: 'ready', current: null, desired: 'hi' })
    expect(p.statements.map(displayOf)).toEqual([`COMMENT ON VIEW "sales"."daily" IS 'hi'`])
  })

  it('sends nothing when the value is in place; an empty description equals none on PostgreSQL', () => {
    expect(prepareOperation(describeOp('hi'), dialect, owners, channel, snapshot({ objectType: 'view', description: 'hi' })).outcome).toBe('unchanged')
    expect(prepareOperation(describeOp(''), dialect, owners, channel, snapshot({ objectType: 'view', description: null })).outcome).toBe('unchanged')
  })

  it('fails with OBJECT_NOT_FOUND when the read-back does not have the object', () => {
    const p = prepareOperation(describeOp('hi'), dialect, owners, channel, new Map())
    expect(p).toMatchObject({ outcome: 'failed', statements: [], error: { code: 'OBJECT_NOT_FOUND' } })
  })

  it('assumes the level\'s object type when planning offline', () => {
    const p = prepareOperation(describeOp(null), dialect, owners, channel, undefined)
    expect(p.statements.map(displayOf)).toEqual([`COMMENT ON TABLE "sales"."daily" IS NULL`])
  })

  it('reports what the engine cannot hold as unsupported, never as statements', () => {
    const tags: Operation = { ...base, kind: 'tags', add: [{ tagFQN: 'PII.Sensitive', source: 'Classification' }], remove: [] }
    expect(prepareOperation(tags, dialect, owners, channel, undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'UNSUPPORTED' } })
    const column: Operation = { ...base, asset: { ...view, level: 'column', column: 'c' }, kind: 'owners', add: [{ type: 'user', name: 'a' }], remove: [] }
    expect(prepareOperation(column, dialect, owners, channel, undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'UNSUPPORTED' } })
    const onlyRemoved: Operation = { ...base, kind: 'owners', add: [], remove: [{ type: 'user', name: 'a' }] }
    expect(prepareOperation(onlyRemoved, dialect, owners, channel, undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'OWNER_REMOVAL_UNSUPPORTED' } })
  })

  it('sets the dialect\'s fallback principal when every owner is removed, and finds it in place once set', async () => {
    const { DatabricksDialect } = await import('../../src/connectors/databricks/databricks-dialect.js')
    const withFallback = new DatabricksDialect({ ownerFallback: 'data-owners' })
    const onlyRemoved: Operation = { ...base, kind: 'owners', add: [], remove: [{ type: 'user', name: 'a' }] }
    const p = prepareOperation(onlyRemoved, withFallback, owners, channel, snapshot({ objectType: 'view', description: null, owner: 'a' }))
    expect(p).toMatchObject({ outcome: 'ready', desired: 'data-owners', current: 'a' })
    expect(p.statements.map(displayOf)).toEqual(['ALTER VIEW `d`.`sales`.`daily` OWNER TO `data-owners`'])
    expect(p.warnings.join()).toMatch(/fallback data-owners/)
    expect(prepareOperation(onlyRemoved, withFallback, owners, channel, snapshot({ objectType: 'view', description: null, owner: 'data-owners' })).outcome).toBe('unchanged')
  })

  it('maps owners, keeps one on a one-owner engine and says what it dropped', () => {
    const op: Operation = { ...base, kind: 'owners', add: [{ type: 'team', name: 'Finance' }, { type: 'user', name: 'ann' }], remove: [] }
    const p = prepareOperation(op, dialect, owners, channel, snapshot({ objectType: 'view', description: null, owner: 'postgres' }))
    expect(p).toMatchObject({ outcome: 'ready', desired: 'ann', current: 'postgres' })
    expect(p.statements.map(displayOf)).toEqual([`ALTER VIEW "sales"."daily" OWNER TO "ann"`])
    expect(p.warnings.join()).toMatch(/not team Finance/)
    const inPlace = prepareOperation(op, dialect, owners, channel, snapshot({ objectType: 'view', description: null, owner: 'ann' }))
    expect(inPlace.outcome).toBe('unchanged')
  })

  it('fails an owner that cannot be mapped, with a code', () => {
    const strict = ownerMappingSchema.parse({ strategy: 'map' })
    const op: Operation = { ...base, kind: 'owners', add: [{ type: 'user', name: 'ann' }], remove: [] }
    expect(prepareOperation(op, dialect, strict, channel, undefined)).toMatchObject({ outcome: 'failed', error: { code: 'OWNER_UNMAPPED' } })
  })

  it('fails a value the engine cannot store (NUL) with VALUE_INVALID instead of sending it', () => {
    expect(prepareOperation(describeOp('a\u0000b'), dialect, owners, channel, undefined)).toMatchObject({ outcome: 'failed', error: { code: 'VALUE_INVALID' } })
  })
})

describe('prepareOperation with templates', () => {
  const withTemplates = (templates: Record<string, string>, options: Record<string, unknown> = {}): ResolvedChannel => {
    const parsed = channelSchema.parse({ name: 't', templates, options })
    return { ...parsed, services: ['s'], compiled: compileChannelTemplates(parsed.templates, 'test') }
  }
  const col: AssetRef = { level: 'column', service: 's', database: 'd', schema: 'sales', table: 'orders', column: 'card' }
  const tagsOp = (add: string[], remove: string[] = []): Operation => ({
    ...base,
    asset: col,
    kind: 'tags',
    add: add.map((tagFQN) => ({ tagFQN, source: 'Classification' as const })),
    remove: remove.map((tagFQN) => ({ tagFQN, source: 'Classification' as const })),
  })

  it('passes the description as a ready literal and is not judged by read-back', () => {
    const channel = withTemplates({ description: 'COMMENT ON TABLE {ident(schema)}.{ident(table)} IS {description}' })
    const p = prepareOperation(describeOp("it's"), dialect, owners, channel, snapshot({ objectType: 'view', description: "it's" }))
    expect(p.statements.map(displayOf)).toEqual([`COMMENT ON TABLE "sales"."daily" IS 'it''s'`])
    expect(p.outcome).toBe('ready')
    expect(p.inPlace).toBeUndefined()
  })

  it('runs a tag_key template once per tag and a {tags} template once, rendering tags as Python does', () => {
    const perTag = withTemplates({ tags: 'TAG {tag_key}={tag_value!r}', tagsRemoved: 'UNTAG {tag_key}' })
    expect(prepareOperation(tagsOp(['PII.Sensitive', 'Tier.Tier1'], ['Old.One']), dialect, owners, perTag, undefined).statements.map(displayOf)).toEqual([
      "TAG PII='Sensitive'",
      "TAG Tier='Tier1'",
      'UNTAG Old',
    ])
    const once = withTemplates({ tags: 'ALTER TABLE {table} SET OPTIONS (labels = {tags})' })
    expect(prepareOperation(tagsOp(['PII.Sensitive', 'Tier.Tier1']), dialect, owners, once, undefined).statements.map(displayOf)).toEqual([
      "ALTER TABLE orders SET OPTIONS (labels = [('PII', 'Sensitive'), ('Tier', 'Tier1')])",
    ])
  })

  it('writes every owner through an owners template, mapped to principals', () => {
    const channel = withTemplates({ owners: 'GRANT OWNERSHIP TO {ident(owner)}', ownersRemoved: 'REVOKE FROM {ident(owner)}' })
    const op: Operation = { ...base, kind: 'owners', add: [{ type: 'team', name: 'Finance' }, { type: 'user', name: 'ann' }], remove: [{ type: 'user', name: 'bob' }] }
    expect(prepareOperation(op, dialect, owners, channel, undefined).statements.map(displayOf)).toEqual([
      'GRANT OWNERSHIP TO "finance"',
      'GRANT OWNERSHIP TO "ann"',
      'REVOKE FROM "bob"',
    ])
  })

  it('binds column (and every name part the level lacks) to the empty string: OpenMetadata documents them "Always", as str', () => {
    const channel = withTemplates({ description: 'COMMENT ON {"COLUMN" if column else "TABLE"} {table}{"." + column if column else ""} IS {description} -- [{column}]' })
    expect(prepareOperation(describeOp('x'), dialect, owners, channel, undefined).statements.map(displayOf)).toEqual(["COMMENT ON TABLE daily IS 'x' -- []"])
    const onColumn: Operation = { ...describeOp('y'), asset: { ...view, level: 'column', column: 'id' } }
    expect(prepareOperation(onColumn, dialect, owners, channel, undefined).statements.map(displayOf)).toEqual(["COMMENT ON COLUMN daily.id IS 'y' -- [id]"])
    const database: Operation = { ...describeOp('z'), asset: { level: 'database', service: 's', database: 'd' } }
    const everyPart = withTemplates({ description: "SELECT '{database}|{schema}|{table}|{column}', {description}" })
    expect(prepareOperation(database, dialect, owners, everyPart, undefined).statements.map(displayOf)).toEqual(["SELECT 'd|||', 'z'"])
  })

  it('skips a tag operation whose tags the mapping drops, and applies markdown and limits to descriptions', () => {
    const channel = withTemplates({ tags: 'TAG {tag_key}' }, { tags: { rules: [{ classification: 'Tier', skip: true }] } })
    expect(prepareOperation(tagsOp(['Tier.Tier1']), dialect, owners, channel, undefined)).toMatchObject({ outcome: 'skipped' })
    const plain = withTemplates({}, { descriptionFormat: 'plain' })
    expect(prepareOperation(describeOp('**bold** [x](https://e.x/)'), dialect, owners, plain, undefined).desired).toBe('bold x (https://e.x/)')
  })
})
