import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { loadConnector } from '../../src/connectors/registry.js'
import { sqlStatement } from '../../src/model/statement.js'
import { planInput } from '../../src/engine/plan-input.js'
import { runOperations } from '../../src/engine/run.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { OperationReport } from '../../src/model/report.js'
import { startDatabricksEndpoint, type DatabricksEndpoint } from '../support/databricks-endpoint.js'
import { arrayOf, DatabricksModel, struct } from '../support/databricks-model.js'
import { changeEvent, json, tag } from '../support/om-events.js'

/**
 * Fields inside STRUCT columns on Databricks and Unity Catalog (issue 15), each service on its own
 * loopback workspace: OpenMetadata's nested column paths (full path, and the leaf name newer
 * versions send) become `ALTER TABLE ... ALTER COLUMN a.b COMMENT`, read back from
 * information_schema's full_data_type (Databricks) or the REST listing's type_json (Unity
 * Catalog), so a second run is `unchanged`. A top-level column sharing a leaf's name is never
 * written; a path that does not exist is OBJECT_NOT_FOUND; tags on a field are unsupported.
 */
const endpoints: Record<'dbx' | 'uc', DatabricksEndpoint> = {} as never
let config: RevmetaConfig

const model = () =>
  new DatabricksModel()
    .add(['main'], 'CATALOG')
    .add(['main', 'sales'], 'SCHEMA')
    .add(['main', 'sales', 'customers'], 'MANAGED')
    .add(['main', 'sales', 'customers', 'id'], 'COLUMN')
    .add(['main', 'sales', 'customers', 'zip'], 'COLUMN', 'top-level zip')
    .column(['main', 'sales', 'customers', 'customer'], struct({ name: 'string', zip: ['string', 'old zip'], address: struct({ city: 'string', 'odd `name.x': 'int' }) }), 'the customer')
    .column(['main', 'sales', 'customers', 'items'], arrayOf(struct({ sku: 'string', qty: 'int' })))
    .add(['main', 'sales', 'v'], 'VIEW')
    .column(['main', 'sales', 'v', 'customer'], struct({ zip: 'string' }))

const texts = {
  zip: "Postal code: it's \\ \"quoted\"\nsecond line",
  city: 'City 🦄',
  odd: 'odd name',
  sku: 'Stock keeping unit',
  name: 'Full name',
}

const eventsFor = (s: string) => [
  changeEvent('table', `${s}.main.sales.customers`, {
    updated: [{ name: 'columns.customer.zip.description', oldValue: 'old zip', newValue: texts.zip }],
    added: [
      // Older OpenMetadata: the full path; a quoted part is one name holding a dot.
      { name: 'columns.customer.address.city.description', newValue: texts.city },
      { name: 'columns.customer.address."odd `name.x".description', newValue: texts.odd },
      // An array of structs: OpenMetadata lists the element's fields as the column's children.
      { name: 'columns.items.sku.description', newValue: texts.sku },
      // Newer OpenMetadata: the leaf name only. `name` exists only inside `customer`...
      { name: 'columns.name.description', newValue: texts.name },
      // ...`zip` is a top-level column and a field of `customer`: never written to either.
      { name: 'columns.zip.tags', newValue: json([tag('PII.Sensitive')]) },
      { name: 'columns.customer.zip.tags', newValue: json([tag('PII.Sensitive')]) },
      { name: 'columns.customer.nope.description', newValue: 'no such field' },
    ],
  }),
  changeEvent('table', `${s}.main.sales.v`, { added: [{ name: 'columns.customer.zip.description', newValue: 'on a view' }] }),
]

beforeAll(async () => {
  endpoints.dbx = await startDatabricksEndpoint(model())
  endpoints.uc = await startDatabricksEndpoint(model())
  const connection = (e: DatabricksEndpoint) => ({ host: e.url, token: 'dapi-test-token', warehouseId: 'wh-1', pollIntervalMs: 1 })
  config = await resolveConfig(
    {
      services: [
        { name: 'dbx', type: 'databricks', connection: connection(endpoints.dbx), execution: { concurrency: 1 } },
        { name: 'uc', type: 'unity-catalog', connection: connection(endpoints.uc), execution: { concurrency: 1 } },
      ],
      channels: [{ name: 'all', sync: { descriptions: true, tags: true, owners: false } }],
    },
    { source: 'test', baseDir: '/tmp', env: {} },
  )
})

afterAll(async () => {
  await endpoints.dbx?.close()
  await endpoints.uc?.close()
})

async function apply(): Promise<OperationReport[]> {
  const normalized = normalizeChangeEvents([...eventsFor('dbx'), ...eventsFor('uc')])
  const planned = planInput(config, { items: 2, normalized })
  return runOperations(config, planned.operations, { apply: true, offline: false })
}

const line = (o: OperationReport) => `${o.asset}:${o.kind}:${o.status}${o.error ? `:${o.error.code}` : ''}`
const t = '`main`.`sales`.`customers`'

describe('nested STRUCT fields on Databricks and Unity Catalog (wire tier)', () => {
  it('comments each field by its path, never a top-level column; a missing path, a field tag and a view field are refused', async () => {
    const ops = await apply()
    const per = (s: string) => [
      `${s}.main.sales.customers.customer.address."odd \`name.x":description:applied`,
      `${s}.main.sales.customers.customer.address.city:description:applied`,
      `${s}.main.sales.customers.customer.name:description:applied`,
      `${s}.main.sales.customers.customer.nope:description:failed:OBJECT_NOT_FOUND`,
      `${s}.main.sales.customers.customer.zip:description:applied`,
      `${s}.main.sales.customers.customer.zip:tags:unsupported:UNSUPPORTED`,
      `${s}.main.sales.customers.items.sku:description:applied`,
      `${s}.main.sales.customers.zip:tags:failed:COLUMN_AMBIGUOUS`,
      `${s}.main.sales.v.customer.zip:description:failed:UNSUPPORTED`,
    ]
    expect(ops.map(line).sort()).toEqual([...per('dbx'), ...per('uc')].sort())
    const writes = [
      `ALTER TABLE ${t} ALTER COLUMN \`customer\`.\`address\`.\`city\` COMMENT 'City 🦄'`,
      `ALTER TABLE ${t} ALTER COLUMN \`customer\`.\`address\`.\`odd \`\`name.x\` COMMENT 'odd name'`,
      `ALTER TABLE ${t} ALTER COLUMN \`customer\`.\`name\` COMMENT 'Full name'`,
      `ALTER TABLE ${t} ALTER COLUMN \`customer\`.\`zip\` COMMENT 'Postal code: it\\'s \\\\ "quoted"\\nsecond line'`,
      `ALTER TABLE ${t} ALTER COLUMN \`items\`.element.\`sku\` COMMENT 'Stock keeping unit'`,
    ]
    for (const e of [endpoints.dbx, endpoints.uc]) {
      expect(e.changes().sort()).toEqual(writes)
      const m = e.model
      const parts = ['main', 'sales', 'customers']
      expect(m.field([...parts, 'customer'], ['zip'])?.comment).toBe(texts.zip)
      expect(m.field([...parts, 'customer'], ['address', 'city'])?.comment).toBe(texts.city)
      expect(m.field([...parts, 'customer'], ['address', 'odd `name.x'])?.comment).toBe(texts.odd)
      expect(m.field([...parts, 'customer'], ['name'])?.comment).toBe(texts.name)
      expect(m.field([...parts, 'items'], ['sku'])?.comment).toBe(texts.sku)
      // The top-level namesakes and the struct columns themselves are untouched, and no tag went anywhere.
      expect(m.get(...parts, 'zip')).toMatchObject({ comment: 'top-level zip' })
      expect(m.get(...parts, 'customer')?.comment).toBe('the customer')
      expect(m.all('COLUMN').flatMap((c) => [...c.tags])).toEqual([])
    }
    const tags = ops.find((o) => o.asset === 'dbx.main.sales.customers.customer.zip' && o.kind === 'tags')!
    expect(tags.error?.message).toMatch(/not written to any other column: Databricks tags top-level columns only/)
    const ambiguous = ops.find((o) => o.asset === 'uc.main.sales.customers.zip' && o.kind === 'tags')!
    expect(ambiguous.error?.message).toMatch(/column "zip", and nested field "zip" of column "customer"/)
  })

  it('a second run reads every field back as written: all unchanged, nothing sent', async () => {
    const before = { dbx: endpoints.dbx.changes().length, uc: endpoints.uc.changes().length }
    const ops = await apply()
    const applied = ops.filter((o) => o.kind === 'description' && !o.error)
    expect(applied).toHaveLength(10)
    expect(applied.map((o) => o.status)).toEqual(Array(10).fill('unchanged'))
    expect(applied.find((o) => o.asset === 'uc.main.sales.customers.customer.zip')?.current).toBe(texts.zip)
    expect({ dbx: endpoints.dbx.changes().length, uc: endpoints.uc.changes().length }).toEqual(before)
    // Unity Catalog read the fields from the REST listing's type_json, Databricks from information_schema.
    expect(endpoints.uc.received.some((r) => r.path.startsWith('/api/2.1/unity-catalog/tables?'))).toBe(true)
    expect(endpoints.dbx.received.some((r) => r.path.startsWith('/api/2.1/unity-catalog/'))).toBe(false)
  })

  it('a field changed behind revmeta\'s back is written again, and only that one', async () => {
    endpoints.dbx.model.field(['main', 'sales', 'customers', 'items'], ['sku'])!.comment = 'edited in the workspace'
    endpoints.uc.model.field(['main', 'sales', 'customers', 'customer'], ['address', 'city'])!.comment = null
    const before = { dbx: endpoints.dbx.changes().length, uc: endpoints.uc.changes().length }
    const ops = await apply()
    expect(ops.filter((o) => o.status === 'applied').map((o) => o.asset).sort()).toEqual(['dbx.main.sales.customers.items.sku', 'uc.main.sales.customers.customer.address.city'])
    expect(endpoints.dbx.changes().slice(before.dbx)).toEqual([`ALTER TABLE ${t} ALTER COLUMN \`items\`.element.\`sku\` COMMENT 'Stock keeping unit'`])
    expect(endpoints.uc.changes().slice(before.uc)).toEqual([`ALTER TABLE ${t} ALTER COLUMN \`customer\`.\`address\`.\`city\` COMMENT 'City 🦄'`])
  })

  it('where nothing is read back (readBack: none), a path the workspace does not have fails as Databricks answers it: OBJECT_NOT_FOUND', async () => {
    const connector = (await loadConnector('databricks'))!
    const parsed = connector.connectionSchema.parse({ host: endpoints.dbx.url, token: 'dapi-test-token', warehouseId: 'wh-1', pollIntervalMs: 1, readBack: 'none' })
    const client = await connector.createClient(parsed, { service: 'dbx', dialect: connector.createDialect(parsed) })
    const [missing, array] = await client.execute('main', [
      [sqlStatement('main', `ALTER TABLE ${t} ALTER COLUMN \`customer\`.\`nope\` COMMENT 'x'`)],
      // An array's elements are reached only through `element`: its fields are not the array's own.
      [sqlStatement('main', `ALTER TABLE ${t} ALTER COLUMN \`items\`.\`sku\` COMMENT 'x'`)],
    ])
    expect(missing).toMatchObject({ ok: false, error: { code: 'OBJECT_NOT_FOUND', details: { errorClass: 'FIELD_NOT_FOUND' } } })
    expect(array).toMatchObject({ ok: false, error: { code: 'OBJECT_NOT_FOUND' } })
    await client.close()
  })
})
