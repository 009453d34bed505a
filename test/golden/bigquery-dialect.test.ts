import { describe, expect, it } from 'vitest'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import { capabilitiesOf, type ObjectState } from '../../src/connectors/connector.js'
import { BigQueryDialect } from '../../src/connectors/bigquery/bigquery-dialect.js'
import { labelOf, labelText } from '../../src/connectors/bigquery/bigquery-labels.js'
import { tableStates } from '../../src/connectors/bigquery/bigquery-read-back.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { Operation } from '../../src/model/operation.js'
import { displayOf } from '../../src/model/statement.js'
import { assetFqn } from '../../src/model/fqn.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'

const hostileStrings = { ...hostileBase, mixedUnicode, nul: 'a\0b', lone: 'x\uD800y' }

const dialect = new BigQueryDialect()
const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'c' }), services: ['bq'], compiled: {} }
const owners = ownerMappingSchema.parse({})
const at = (level: AssetRef['level'], table?: string, column?: string): AssetRef => ({ level, service: 'bq', database: 'my-proj', schema: 'sales ds', ...(table ? { table } : {}), ...(column ? { column } : {}) })
const base = (asset: AssetRef) => ({ id: 'x', channel: 'c', service: 'bq', asset, origins: [] })
const tags = (asset: AssetRef, add: string[], remove: string[] = []): Operation => ({
  ...base(asset),
  kind: 'tags',
  add: add.map((tagFQN) => ({ tagFQN, source: 'Classification' as const })),
  remove: remove.map((tagFQN) => ({ tagFQN, source: 'Classification' as const })),
})
const shown = (op: Operation, state?: [string, ObjectState][]) => {
  const p = prepareOperation(op, dialect, owners, channel, state ? new Map(state) : undefined)
  return { ...p, shown: p.statements.map(displayOf) }
}
const T = '/bigquery/v2/projects/my-proj/datasets/sales%20ds'

describe('BigQuery dialect: requests a plan shows', () => {
  it('capabilities follow the renderers: no project description, labels on datasets and tables, owners only when configured', () => {
    expect(capabilitiesOf(dialect)).toMatchObject({ descriptionLevels: ['schema', 'table', 'column'], tagLevels: ['schema', 'table'], ownerLevels: [], maxDescriptionLength: { table: { max: 16_384 }, column: { max: 1_024 } } })
    expect(capabilitiesOf(new BigQueryDialect({ ownerLabel: 'owner' })).ownerLevels).toEqual(['schema', 'table'])
  })

  it('offline: METHOD path and the compact JSON of the changed fields; names percent-encoded', () => {
    const d = (asset: AssetRef, description: string | null) => shown({ ...base(asset), kind: 'description', description }).shown
    expect(d(at('schema'), 'Sales')).toEqual([`PATCH ${T} {"description":"Sales"}`])
    expect(d(at('table', 'or/ders'), null)).toEqual([`PATCH ${T}/tables/or%2Fders {"description":null}`])
    expect(d(at('column', 'orders', 'address.geo.lat'), 'Lat')).toEqual([`PATCH ${T}/tables/orders {"schema":{"fields":[{"name":"address","fields":[{"name":"geo","fields":[{"name":"lat","description":"Lat"}]}]}]}}`])
  })

  it('online: the complete schema as read with one description changed, and the ETag of that read', () => {
    const fields = [{ name: 'id', type: 'INTEGER', mode: 'REQUIRED' }, { name: 'a', type: 'RECORD', fields: [{ name: 'b', type: 'STRING', description: 'old' }] }]
    const states = tableStates('orders', { etag: 'E1', description: 'x', schema: { fields } }, { service: 'bq', project: 'my-proj', dataset: 'sales ds' })
    const p = shown({ ...base(at('column', 'orders', 'a.b')), kind: 'description', description: 'new "b"' }, states)
    expect(p.shown).toEqual([`PATCH ${T}/tables/orders {"etag":"E1","schema":{"fields":[{"name":"id","type":"INTEGER","mode":"REQUIRED"},{"name":"a","type":"RECORD","fields":[{"name":"b","type":"STRING","description":"new \\"b\\""}]}]}}`])
    expect(shown({ ...base(at('column', 'orders', 'a.b')), kind: 'description', description: 'old' }, states).outcome).toBe('unchanged')
  })

  it('hostile descriptions travel as JSON, exactly; NUL and lone surrogates are refused with VALUE_INVALID', () => {
    for (const [name, text] of Object.entries(hostileStrings)) {
      const p = shown({ ...base(at('table', 't')), kind: 'description', description: text })
      if (name === 'nul' || name === 'lone') {
        expect(p.error?.code, name).toBe('VALUE_INVALID')
        continue
      }
      if ([...text].length > 16_384) continue
      const body = (p.statements[0] as { body: { description: string } }).body
      expect(JSON.parse(JSON.stringify(body)).description, name).toBe(text)
    }
  })

  it('column descriptions over 1,024 characters and table ones over 16,384 are held to the limits', () => {
    expect(capabilitiesOf(dialect).maxDescriptionLength.column).toEqual({ max: 1_024, unit: 'characters' })
  })
})

describe('BigQuery labels from tags', () => {
  it('lowercase tags are labels as they are; capitals lowered; other characters become _', () => {
    expect(labelOf({ key: 'pii', value: 'sensitive' })).toEqual({ key: 'pii', value: 'sensitive' })
    expect(labelOf({ key: 'Data Quality', value: 'Gold.Tier/1' })).toEqual({ key: 'data_quality', value: 'gold_tier_1' })
    expect(labelOf({ key: 'Größe', value: 'ÜBER-groß' })).toEqual({ key: 'größe', value: 'über-groß' })
    expect(labelOf({ key: '機密', value: 'はい' })).toEqual({ key: '機密', value: 'はい' })
    expect(labelText('a@b.c:d e')).toBe('a_b_c_d_e')
  })

  it('refuses what BigQuery cannot hold with LABEL_INVALID: a key not starting with a letter, over 63 characters', () => {
    expect(() => labelOf({ key: '1tier', value: 'x' })).toThrow(expect.objectContaining({ code: 'LABEL_INVALID' }))
    expect(() => labelOf({ key: 'k'.repeat(64), value: 'x' })).toThrow(expect.objectContaining({ code: 'LABEL_INVALID' }))
    expect(() => labelOf({ key: 'k', value: 'v'.repeat(64) })).toThrow(expect.objectContaining({ code: 'LABEL_INVALID' }))
    expect(labelOf({ key: 'k', value: '' })).toEqual({ key: 'k', value: '' })
  })

  it('a tags operation: labels merged key by key, a removal deletes only its key', () => {
    expect(shown(tags(at('table', 'orders'), ['PII.Sensitive', 'Tier.Gold'], ['Domain.Sales'])).shown).toEqual([`PATCH ${T}/tables/orders {"labels":{"domain":null,"pii":"sensitive","tier":"gold"}}`])
  })

  it('two tags that map to one label key are AMBIGUOUS_TAG, never a silent overwrite', () => {
    const p = shown(tags(at('table', 'orders'), ['PII.Sensitive', 'pii.None']))
    expect(p).toMatchObject({ outcome: 'failed', error: { code: 'AMBIGUOUS_TAG' } })
    const state: [string, ObjectState][] = [[assetFqn(at('table', 'orders')), { objectType: 'table', description: null, tags: [{ key: 'pii', value: 'none' }] }]]
    expect(shown(tags(at('table', 'orders'), ['PII.Sensitive']), state)).toMatchObject({ outcome: 'failed', error: { code: 'AMBIGUOUS_TAG' } })
  })

  it('in place when the labels read back are the mapped tags: a second run sends nothing', () => {
    const state: [string, ObjectState][] = [[assetFqn(at('table', 'orders')), { objectType: 'table', description: null, tags: [{ key: 'data_quality', value: 'gold' }] }]]
    expect(shown(tags(at('table', 'orders'), ['"Data Quality".Gold']), state).outcome).toBe('unchanged')
  })

  it('an owner as the owner label, refused when the principal is not a label value', () => {
    const d = new BigQueryDialect({ ownerLabel: 'owner' })
    const own = (name: string) => prepareOperation({ ...base(at('table', 'orders')), kind: 'owners', add: [{ type: 'user', name }], remove: [] }, d, owners, channel, undefined)
    expect(own('jane').statements.map(displayOf)).toEqual([`PATCH ${T}/tables/orders {"labels":{"owner":"jane"}}`])
    expect(own('Jane.Doe@x.com')).toMatchObject({ outcome: 'failed', error: { code: 'LABEL_INVALID' } })
    expect(prepareOperation({ ...base(at('table', 'orders')), kind: 'owners', add: [{ type: 'user', name: 'jane' }], remove: [] }, dialect, owners, channel, undefined).outcome).toBe('unsupported')
    // A tag landing on the owner's label key would fight the owners on every run: refused.
    expect(prepareOperation(tags(at('table', 'orders'), ['Owner.Bob']), d, owners, channel, undefined)).toMatchObject({ outcome: 'failed', error: { code: 'LABEL_INVALID' } })
  })
})

describe('BigQuery empty descriptions', () => {
  it("'' is no description: it removes one, and is in place where there is none", () => {
    expect(shown({ ...base(at('table', 'orders')), kind: 'description', description: '' }).shown).toEqual([`PATCH ${T}/tables/orders {"description":null}`])
    const state: [string, ObjectState][] = [[assetFqn(at('table', 'orders')), { objectType: 'table', description: null }]]
    expect(shown({ ...base(at('table', 'orders')), kind: 'description', description: '' }, state).outcome).toBe('unchanged')
  })
})
