import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogReader } from '../../src/catalog/catalog-reader.js'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import type { OmColumn, OmEntity, OmEntityType } from '../../src/openmetadata/om-types.js'
import { catalogChanges } from '../../src/sync/catalog-changes.js'
import { syncRun } from '../../src/sync/sync-run.js'
import { startDatabricksEndpoint, type DatabricksEndpoint } from '../support/databricks-endpoint.js'
import { arrayOf, DatabricksModel, struct } from '../support/databricks-model.js'
import { createTempDatabase, readDescription, type TempDatabase } from '../support/postgres-server.js'

/**
 * Batch sync compares a column's `children` (OpenMetadata's struct fields) as the nested fields
 * they are: drift in a field is written on Databricks (wire tier), which comments fields, and is
 * `unsupported` on PostgreSQL (live), which has none, leaving the top-level column alone.
 */
let endpoint: DatabricksEndpoint
let pg: TempDatabase
let config: RevmetaConfig

const col = (name: string, description?: string, children?: OmColumn[], extra: Partial<OmColumn> = {}): OmColumn => ({ name, ...(description !== undefined ? { description } : {}), ...(children ? { children } : {}), ...extra })

/** The catalog's state: the Databricks table as OpenMetadata ingests STRUCT and ARRAY<STRUCT> columns, and a PostgreSQL table that claims fields inside a jsonb column. */
const entities = (pgName: string): Record<OmEntityType, OmEntity[]> => ({
  database: [{ fullyQualifiedName: 'dbx.main' } as OmEntity, { fullyQualifiedName: `pg.${pgName}` } as OmEntity],
  databaseSchema: [{ fullyQualifiedName: 'dbx.main.sales' } as OmEntity, { fullyQualifiedName: `pg.${pgName}.sales` } as OmEntity],
  table: [
    {
      fullyQualifiedName: 'dbx.main.sales.customers',
      version: 1.4,
      columns: [
        col('id'),
        col('zip', 'top-level zip'),
        col('customer', 'the customer', [
          col('name', 'Full name'),
          col('zip', 'old zip', undefined, { tags: [{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed' }] }),
          col('address', undefined, [col('city', 'City of delivery')]),
        ]),
        col('items', undefined, [col('sku', 'Stock keeping unit')]),
      ],
    } as unknown as OmEntity,
    { fullyQualifiedName: `pg.${pgName}.sales.people`, columns: [col('id'), col('info', 'Profile document', [col('email', 'E-mail address')])] } as unknown as OmEntity,
  ],
  storedProcedure: [],
} as unknown as Record<OmEntityType, OmEntity[]>)

const readerFor = (pgName: string): CatalogReader => ({
  async *listEntities(type, parent) {
    const within = parent.service ?? parent.database ?? parent.databaseSchema ?? ''
    for (const entity of entities(pgName)[type] ?? []) if (entity.fullyQualifiedName.startsWith(`${within}.`)) yield entity
  },
})

beforeAll(async () => {
  endpoint = await startDatabricksEndpoint(
    new DatabricksModel()
      .add(['main'], 'CATALOG')
      .add(['main', 'sales'], 'SCHEMA')
      .add(['main', 'sales', 'customers'], 'MANAGED')
      .add(['main', 'sales', 'customers', 'id'], 'COLUMN')
      .add(['main', 'sales', 'customers', 'zip'], 'COLUMN', 'top-level zip')
      .column(['main', 'sales', 'customers', 'customer'], struct({ name: 'string', zip: ['string', 'old zip'], address: struct({ city: 'string' }) }), 'the customer')
      .column(['main', 'sales', 'customers', 'items'], arrayOf(struct({ sku: ['string', 'edited in the workspace'] }))),
  )
  pg = await createTempDatabase('rm_nested_sync')
  await pg.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.people (id int, info jsonb); COMMENT ON COLUMN sales.people.info IS 'Profile document'`)
  config = await resolveConfig(
    {
      services: [
        { name: 'dbx', type: 'databricks', connection: { host: endpoint.url, token: 'dapi-test-token', warehouseId: 'wh-1', pollIntervalMs: 1 } },
        { name: 'pg', type: 'postgres', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: pg.name } },
      ],
      channels: [{ name: 'all', sync: { descriptions: true, tags: true, owners: false } }],
    },
    { source: 'test', baseDir: '/tmp', env: {} },
  )
})

afterAll(async () => {
  await endpoint?.close()
  await pg?.drop()
})

const line = (o: { asset: string; kind: string; status: string; error?: { code: string } }) => `${o.asset}:${o.kind}:${o.status}${o.error ? `:${o.error.code}` : ''}`

describe('batch sync of nested fields', () => {
  it('turns a column\'s children into nested-field changes, at every depth', async () => {
    const { normalized } = await catalogChanges(readerFor(pg.name), ['dbx'])
    const fields = normalized.changes.filter((c) => c.asset.path !== undefined).map((c) => `${c.asset.column}/${c.asset.path!.join('/')}:${c.kind}`)
    expect(fields.sort()).toEqual(['customer/address/city:description', 'customer/name:description', 'customer/zip:description', 'customer/zip:tags', 'items/sku:description'])
  })

  it('writes drift in fields on Databricks and reports fields unsupported on PostgreSQL; top-level columns stay as they are', async () => {
    const report = await syncRun(config, readerFor(pg.name), { services: ['dbx', 'pg'], dryRun: false })
    const ops = report.operations.filter((o) => o.level === 'column').map(line).sort()
    expect(ops).toEqual([
      'dbx.main.sales.customers.customer.address.city:description:applied',
      'dbx.main.sales.customers.customer.name:description:applied',
      'dbx.main.sales.customers.customer.zip:description:unchanged',
      'dbx.main.sales.customers.customer.zip:tags:unsupported:UNSUPPORTED',
      'dbx.main.sales.customers.customer:description:unchanged',
      'dbx.main.sales.customers.items.sku:description:applied',
      'dbx.main.sales.customers.zip:description:unchanged',
      `pg.${pg.name}.sales.people.info.email:description:unsupported:UNSUPPORTED`,
      `pg.${pg.name}.sales.people.info:description:unchanged`,
    ])
    expect(report.summary.drift).toBe(3)
    expect(endpoint.changes().sort()).toEqual([
      "ALTER TABLE `main`.`sales`.`customers` ALTER COLUMN `customer`.`address`.`city` COMMENT 'City of delivery'",
      "ALTER TABLE `main`.`sales`.`customers` ALTER COLUMN `customer`.`name` COMMENT 'Full name'",
      "ALTER TABLE `main`.`sales`.`customers` ALTER COLUMN `items`.element.`sku` COMMENT 'Stock keeping unit'",
    ])
    expect(endpoint.model.field(['main', 'sales', 'customers', 'items'], ['sku'])?.comment).toBe('Stock keeping unit')
    expect(endpoint.model.get('main', 'sales', 'customers', 'zip')?.comment).toBe('top-level zip')
    expect(await readDescription(pg.client, 'sales.people', 'info')).toBe('Profile document')
    const unsupported = report.operations.find((o) => o.asset.endsWith('info.email'))!
    expect(unsupported.error?.message).toMatch(/cannot write description on a field inside a nested column \(email of column "info"\); it is not written to any other column/)
  })

  it('a second sync finds no drift', async () => {
    const before = endpoint.changes().length
    const report = await syncRun(config, readerFor(pg.name), { services: ['dbx', 'pg'], dryRun: false })
    expect(report.summary.drift).toBe(0)
    expect(report.operations.filter((o) => o.status === 'applied')).toEqual([])
    expect(endpoint.changes()).toHaveLength(before)
  })
})
