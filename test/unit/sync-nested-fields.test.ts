import { describe, expect, it } from 'vitest'
import type { CatalogReader } from '../../src/catalog/catalog-reader.js'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import type { Dialect, ObjectState } from '../../src/connectors/connector.js'
import { BigQueryDialect } from '../../src/connectors/bigquery/bigquery-dialect.js'
import { DatabricksDialect } from '../../src/connectors/databricks/databricks-dialect.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import { assetFqn } from '../../src/model/fqn.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { DescriptionChange } from '../../src/model/change.js'
import type { Operation } from '../../src/model/operation.js'
import { displayOf } from '../../src/model/statement.js'
import type { OmEntity, OmEntityType } from '../../src/openmetadata/om-types.js'
import { catalogChanges } from '../../src/sync/catalog-changes.js'

/**
 * Batch sync's struct fields (a column's `children`) settled per engine as events' column paths
 * are: Databricks' read-back field, BigQuery's column read back under the dotted name, nothing on
 * PostgreSQL (`unsupported`). The catalog's top-level names stay exact.
 */
const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'c' }), services: ['s'], compiled: {} }
const owners = ownerMappingSchema.parse({})
const table: AssetRef = { level: 'table', service: 's', database: 'd', schema: 'sales', table: 't' }
const col = (column: string, path?: string[]): AssetRef => ({ ...table, level: 'column', column, ...(path ? { path } : {}) })

const reader: CatalogReader = {
  async *listEntities(type: OmEntityType) {
    if (type === 'database') yield { fullyQualifiedName: 's.d' } as OmEntity
    if (type === 'databaseSchema') yield { fullyQualifiedName: 's.d.sales' } as OmEntity
    if (type === 'table') {
      yield {
        fullyQualifiedName: 's.d.sales.t',
        columns: [{ name: 'zip', description: 'Top zip' }, { name: 'customer', children: [{ name: 'zip', description: 'Postal code' }, { name: '', description: 'nameless: skipped' }] }],
      } as unknown as OmEntity
    }
  },
}

async function operations(): Promise<Operation[]> {
  const { normalized } = await catalogChanges(reader, ['s'])
  return normalized.changes
    .filter((c): c is DescriptionChange => c.kind === 'description')
    .map((c, i) => ({ id: String(i), channel: 'c', service: 's', asset: c.asset, origins: [], kind: 'description', description: c.after }) as Operation)
}

const prepared = async (dialect: Dialect, states: [AssetRef, ObjectState][]) => {
  const snapshot = new Map(states.map(([asset, state]) => [assetFqn(asset), state]))
  return (await operations()).map((op) => prepareOperation(op, dialect, owners, channel, snapshot)).map((p) => `${p.op.fqn ?? assetFqn(p.op.asset)}:${p.outcome}${p.error ? `:${p.error.code}` : ''}:${p.statements.map(displayOf).join(' ; ')}`)
}

describe('batch sync of struct fields, per engine', () => {
  it('Databricks: the field read back is written with ALTER COLUMN; the top-level zip is that column, not ambiguous with the field', async () => {
    const got = await prepared(new DatabricksDialect(), [
      [col('zip'), { objectType: 'column', description: 'Top zip', definition: 'table' }],
      [col('customer'), { objectType: 'column', description: null, definition: 'table' }],
      [col('customer', ['zip']), { objectType: 'field', description: null, definition: JSON.stringify({ relation: 'table', address: ['customer', 'zip'] }) }],
    ])
    expect(got).toEqual(['s.d.sales.t.zip:unchanged:', "s.d.sales.t.customer.zip:ready:ALTER TABLE `d`.`sales`.`t` ALTER COLUMN `customer`.`zip` COMMENT 'Postal code'"])
  })

  it('BigQuery: the field is the column its read-back keeps under the dotted name', async () => {
    const got = await prepared(new BigQueryDialect(), [
      [col('zip'), { objectType: 'column', description: 'Top zip' }],
      [col('customer.zip'), { objectType: 'column', description: null }],
    ])
    expect(got[0]).toBe('s.d.sales.t.zip:unchanged:')
    expect(got[1]).toMatch(/^s\.d\.sales\.t\."customer\.zip":ready:PATCH .*"fields":\[\{"name":"customer","fields":\[\{"name":"zip","description":"Postal code"\}\]\}\]/)
  })

  it('PostgreSQL: unsupported, never written to the top-level zip', async () => {
    const got = await prepared(new PostgresDialect(), [[col('zip'), { objectType: 'column', description: 'Top zip' }]])
    expect(got).toEqual(['s.d.sales.t.zip:unchanged:', 's.d.sales.t.customer.zip:unsupported:UNSUPPORTED:'])
  })
})
