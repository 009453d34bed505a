import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectState, Statement, TagChange } from '../../src/connectors/connector.js'
import { athenaConnector } from '../../src/connectors/athena/index.js'
import type { AthenaDialect } from '../../src/connectors/athena/athena-dialect.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { startGlueEndpoint, type GlueEndpoint, type GlueObject } from '../support/glue-endpoint.js'
import { ordersTable, ordersView, salesDatabase, seedSales } from '../support/glue-tables.js'

/**
 * The official @aws-sdk/client-glue against the loopback Glue endpoint: exact requests, whole
 * objects kept field by field, VersionId conflicts carried onto a fresh read, throttling retried
 * with backoff by the SDK, permanent errors coded per operation.
 */
beforeAll(() => {
  // Explicit keys and endpoint below; no instance-metadata probe even were they missing.
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
})

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'
let endpoint: GlueEndpoint
let client: ConnectorClient
let dialect: AthenaDialect

async function open(extra: Record<string, unknown> = {}): Promise<void> {
  const connection = athenaConnector.connectionSchema.parse({ region: 'eu-west-1', endpoint: endpoint.url, accessKeyId: 'AKIDTEST', secretAccessKey: secret, maxAttempts: 2, ...extra })
  dialect = athenaConnector.createDialect(connection) as AthenaDialect
  client = await athenaConnector.createClient(connection, { service: 'ath', dialect })
}

beforeEach(async () => {
  endpoint = seedSales(await startGlueEndpoint(2), 3)
  await open()
})

afterEach(async () => {
  await client.close()
  await endpoint.close()
})

const at = (schema?: string, table?: string, column?: string): AssetRef => ({
  level: column !== undefined ? 'column' : table !== undefined ? 'table' : schema !== undefined ? 'schema' : 'database',
  service: 'ath',
  database: 'awsdatacatalog',
  ...(schema !== undefined ? { schema } : {}),
  ...(table !== undefined ? { table } : {}),
  ...(column !== undefined ? { column } : {}),
})

type Kind = 'description' | 'tags' | 'owners'
type Value = string | null | TagChange

/** Reads back, renders each (asset, kind, value) from that one read, and sends them as units of one execute. */
async function apply(...ops: [AssetRef, Kind, Value][]) {
  const snapshot = await client.readBack(ops.map(([asset]) => asset))
  const units = ops.map(([asset, kind, value]) => render(snapshot.get(assetFqn(asset)), asset, kind, value))
  return { results: await client.execute('glue', units), units }
}

function render(state: ObjectState | undefined, asset: AssetRef, kind: Kind, value: Value): Statement[] {
  const target = { asset, objectType: state!.objectType, ...(state?.definition !== undefined ? { definition: state.definition } : {}) }
  if (kind === 'description') return dialect.description.render(target, value as string | null)
  if (kind === 'tags') return dialect.tags.render(target, value as TagChange)
  return dialect.owners.render(target, value as string)
}

/** Every field of `after` but the ones named equals `before`'s: nothing else was dropped or changed. */
function expectOnlyChanged(before: GlueObject, after: GlueObject, changed: readonly string[]): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  for (const key of keys) {
    if (changed.includes(key) || key === 'VersionId' || key === 'UpdateTime') continue
    expect(after[key], `field ${key}`).toEqual(before[key])
  }
  expect(Number(after.VersionId)).toBe(Number(before.VersionId) + 1)
}

describe('read-back', () => {
  it('reads a Glue database whole through GetDatabase and paged GetTables, and maps descriptions, tags, owners, columns and partition keys', async () => {
    const snapshot = await client.readBack([at('sales', 'orders', 'dt')])
    expect(endpoint.actions()).toEqual(['GetDatabase', 'GetTables', 'GetTables', 'GetTables'])
    expect(endpoint.requests.filter((r) => r.action === 'GetTables').map((r) => r.body.NextToken ?? null)).toEqual([null, 'page-2', 'page-4'])
    expect(endpoint.requests.every((r) => r.accessKeyId === 'AKIDTEST')).toBe(true)
    const get = (...parts: string[]) => snapshot.get(assetFqn(at(...(parts as [string, string?, string?]))))
    expect(get('sales')).toMatchObject({ objectType: 'schema', description: 'Sales data lake', tags: [{ key: 'Tier', value: 'Gold' }] })
    expect(get('sales', 'orders')).toMatchObject({ objectType: 'external_table', description: 'Orders', owner: 'etl', tags: [{ key: 'PII', value: 'None' }] })
    expect(get('sales', 'orders', 'id')).toMatchObject({ objectType: 'column', description: 'Order id', tags: [] })
    expect(get('sales', 'orders', 'dt')).toMatchObject({ objectType: 'column', description: 'Load date' })
    expect(get('sales', 'orders', 'region')).toMatchObject({ description: null })
    expect(get('sales', 'v_orders')).toMatchObject({ objectType: 'view', description: 'old view' })
    expect(get('sales', 'mdv')).toMatchObject({ objectType: 'multi_dialect_view' })
    expect(get('sales', 't2')).toMatchObject({ objectType: 'table', description: null })
    expect(snapshot.get(assetFqn(at()))).toMatchObject({ objectType: 'database', description: null })
  })

  it('lists the Data Catalog as the one database and its Glue databases as schemas, page by page (for ingestion)', async () => {
    endpoint.putDatabase({ Name: 'raw' }).putDatabase({ Name: 'marts' })
    expect(await client.listDatabases!()).toEqual(['awsdatacatalog'])
    expect(await client.listSchemas!('awsdatacatalog')).toEqual(['marts', 'raw', 'sales'])
    expect(endpoint.actions()).toEqual(['GetDatabases', 'GetDatabases'])
  })

  it('a missing Glue database or another catalog name reads as missing; an access error fails the read-back with PRIVILEGE', async () => {
    const snapshot = await client.readBack([at('nope', 't'), { ...at('sales'), database: 'other' }])
    expect(snapshot.has(assetFqn(at('nope')))).toBe(false)
    expect(snapshot.has(assetFqn({ ...at('sales'), database: 'other' }))).toBe(false)
    endpoint.fail('GetTables', 'AccessDeniedException', { message: 'User is not authorized to perform glue:GetTables' })
    await expect(client.readBack([at('sales', 'orders')])).rejects.toMatchObject({ code: 'PRIVILEGE', message: expect.stringContaining('GetTables on sales') })
  })
})

describe('whole-object updates keep every field they do not mean to change', () => {
  it('a table description: one UpdateTable with the complete TableInput (read-only fields stripped), SkipArchive and the VersionId read', async () => {
    const before = endpoint.table('sales', 'orders')!
    const { results, units } = await apply([at('sales', 'orders'), 'description', 'Orders, one row per order'])
    expect(results).toEqual([{ ok: true }])
    const expectedInput = { ...ordersTable, Description: 'Orders, one row per order', Parameters: { ...(ordersTable.Parameters as object), comment: 'Orders, one row per order' } }
    expect(endpoint.updates()).toEqual([{ action: 'UpdateTable', accessKeyId: 'AKIDTEST', body: { DatabaseName: 'sales', Name: 'orders', SkipArchive: true, VersionId: '1', TableInput: expectedInput } }])
    // The plan shows exactly what was sent.
    const statement = units[0]![0]!
    expect(statement).toMatchObject({ kind: 'api', method: 'POST', path: 'AWSGlue.UpdateTable', display: `POST AWSGlue.UpdateTable ${JSON.stringify(statement.kind === 'api' ? statement.body : null)}` })
    expect(statement.kind === 'api' ? statement.body : null).toEqual(endpoint.updates()[0]!.body)
    const after = endpoint.table('sales', 'orders')!
    expectOnlyChanged(before, after, ['Description', 'Parameters'])
    expect(after.Parameters).toEqual({ ...(before.Parameters as object), comment: 'Orders, one row per order' })
  })

  it('a partition key comment, a nested-type column comment, a column tag and the owner each change only their field', async () => {
    const before = endpoint.table('sales', 'orders')!
    const { results } = await apply(
      [at('sales', 'orders', 'region'), 'description', 'Sales region'],
      [at('sales', 'orders', 'customer'), 'description', 'Who ordered'],
      [at('sales', 'orders', 'amount'), 'tags', { add: [{ key: 'PII', value: 'Sensitive' }], remove: [] }],
      [at('sales', 'orders'), 'owners', 'data-platform'],
    )
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }])
    const after = endpoint.table('sales', 'orders')!
    expect(after.PartitionKeys).toEqual([(before.PartitionKeys as GlueObject[])[0], { Name: 'region', Type: 'string', Parameters: { 'partition.hint': 'eu' }, Comment: 'Sales region' }])
    const columns = (after.StorageDescriptor as { Columns: GlueObject[] }).Columns
    const beforeColumns = (before.StorageDescriptor as { Columns: GlueObject[] }).Columns
    expect(columns).toEqual([beforeColumns[0], { ...beforeColumns[1], Comment: 'Who ordered' }, { ...beforeColumns[2], Parameters: { 'openmetadata.tag.PII': 'Sensitive' } }])
    expect({ ...(after.StorageDescriptor as object), Columns: [] }).toEqual({ ...(before.StorageDescriptor as object), Columns: [] })
    expect(after.Owner).toBe('data-platform')
    for (const key of Object.keys(before)) if (!['PartitionKeys', 'StorageDescriptor', 'Owner', 'VersionId', 'UpdateTime'].includes(key)) expect(after[key], key).toEqual(before[key])
    // Four operations on one table from one read: merged into one UpdateTable at the VersionId read.
    expect(endpoint.actions().slice(4)).toEqual(['UpdateTable'])
    expect(endpoint.updates().map((u) => u.body.VersionId)).toEqual(['1'])
    expect(after.VersionId).toBe('2')
  })

  it('operations on one table sent in two executes: the second carried onto a fresh read (its VersionId moved on)', async () => {
    const snapshot = await client.readBack([at('sales', 'orders')])
    const first = render(snapshot.get(assetFqn(at('sales', 'orders', 'id'))), at('sales', 'orders', 'id'), 'description', 'Key')
    const second = render(snapshot.get(assetFqn(at('sales', 'orders'))), at('sales', 'orders'), 'owners', 'marta')
    expect(await client.execute('glue', [first])).toEqual([{ ok: true }])
    expect(await client.execute('glue', [second])).toEqual([{ ok: true }])
    expect(endpoint.actions().slice(4)).toEqual(['UpdateTable', 'GetTable', 'UpdateTable'])
    expect(endpoint.table('sales', 'orders')).toMatchObject({ Owner: 'marta', VersionId: '3' })
    expect((endpoint.table('sales', 'orders')!.StorageDescriptor as { Columns: GlueObject[] }).Columns[0]!.Comment).toBe('Key')
  })

  it('a merged update Glue refuses is sent again per operation, so the refusal lands on the operation that causes it', async () => {
    endpoint.fail('UpdateTable', 'InvalidInputException', { message: 'bad column comment' })
    const { results } = await apply([at('sales', 'orders', 'id'), 'description', 'Key'], [at('sales', 'orders'), 'owners', 'marta'])
    expect(results).toEqual([{ ok: true }, { ok: true }])
    expect(endpoint.actions().slice(4)).toEqual(['UpdateTable', 'UpdateTable', 'GetTable', 'UpdateTable'])
    expect(endpoint.table('sales', 'orders')).toMatchObject({ Owner: 'marta', VersionId: '3' })
  })

  it('a view keeps its view text, type and parameters; a Glue database keeps its location, parameters and permissions', async () => {
    const view = endpoint.table('sales', 'v_orders')!
    const { results } = await apply([at('sales', 'v_orders'), 'description', 'Orders as the shop sees them'], [at('sales'), 'description', 'Sales lake, curated'])
    expect(results).toEqual([{ ok: true }, { ok: true }])
    expectOnlyChanged(view, endpoint.table('sales', 'v_orders')!, ['Description', 'Parameters'])
    expect(endpoint.table('sales', 'v_orders')).toMatchObject({ ViewOriginalText: ordersView.ViewOriginalText, ViewExpandedText: '/* Presto View */', TableType: 'VIRTUAL_VIEW', Parameters: { presto_view: 'true', comment: 'Orders as the shop sees them' } })
    expect(endpoint.database('sales')).toEqual({ ...salesDatabase, Description: 'Sales lake, curated', CreateTime: 1_700_000_000, CatalogId: '123456789012' })
    const update = endpoint.updates().find((u) => u.action === 'UpdateDatabase')!
    expect(update.body).toEqual({ Name: 'sales', DatabaseInput: { ...salesDatabase, Description: 'Sales lake, curated' } })
  })

  it('removing a tag takes away only its parameter, and only while it holds the removed value', async () => {
    const { results } = await apply([at('sales', 'orders'), 'tags', { add: [], remove: [{ key: 'PII', value: 'None' }] }], [at('sales'), 'tags', { add: [], remove: [{ key: 'Tier', value: 'Silver' }] }])
    expect(results).toEqual([{ ok: true }, { ok: true }])
    const { 'openmetadata.tag.PII': _gone, ...rest } = ordersTable.Parameters as Record<string, string>
    expect(endpoint.table('sales', 'orders')!.Parameters).toEqual(rest)
    // Tier holds Gold, not the Silver the catalog removed: nothing to change, nothing sent.
    expect(endpoint.database('sales')!.Parameters).toEqual(salesDatabase.Parameters)
    expect(endpoint.updates().map((u) => u.action)).toEqual(['UpdateTable'])
  })

  it('a multi-dialect view is reported unsupported, never rewritten', async () => {
    await expect(apply([at('sales', 'mdv'), 'description', 'x'])).rejects.toMatchObject({ code: 'UNSUPPORTED' })
    expect(endpoint.updates()).toEqual([])
  })
})

describe('another writer', () => {
  it('a VersionId conflict re-reads the table and resends the one change on top of the other writer\'s', async () => {
    endpoint.beforeNextUpdate(() =>
      endpoint.changeTable('sales', 'orders', (t) => {
        t.Parameters = { ...(t.Parameters as object), 'written.by': 'spark' }
        ;(t.StorageDescriptor as { Columns: GlueObject[] }).Columns.push({ Name: 'added_by_spark', Type: 'string' })
      }),
    )
    const { results } = await apply([at('sales', 'orders', 'id'), 'description', 'Order key'])
    expect(results).toEqual([{ ok: true }])
    expect(endpoint.actions().slice(4)).toEqual(['UpdateTable', 'GetTable', 'UpdateTable'])
    expect(endpoint.updates().map((u) => u.body.VersionId)).toEqual(['1', '2'])
    const after = endpoint.table('sales', 'orders')!
    expect(after.Parameters).toMatchObject({ 'written.by': 'spark' })
    const columns = (after.StorageDescriptor as { Columns: GlueObject[] }).Columns
    expect(columns.map((c) => [c.Name, c.Comment ?? null])).toEqual([['id', 'Order key'], ['customer', null], ['amount', null], ['added_by_spark', null]])
  })

  it('a conflict on every attempt fails that operation alone with CONCURRENT_MODIFICATION (retryable) after conflictRetries re-reads', async () => {
    await client.close()
    await open({ conflictRetries: 2 })
    endpoint.fail('UpdateTable', 'ConcurrentModificationException', { times: 10 })
    const { results } = await apply([at('sales', 'orders'), 'owners', 'x'], [at('sales', 'v_orders'), 'owners', 'y'])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'CONCURRENT_MODIFICATION', retryable: true } })
    expect(endpoint.requests.filter((r) => r.action === 'UpdateTable' && r.body.Name === 'orders')).toHaveLength(3)
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'CONCURRENT_MODIFICATION' } })
    expect(endpoint.table('sales', 'orders')!.Owner).toBe('etl')
    expect(endpoint.table('sales', 'v_orders')!.Owner).toBe('analyst')
  })
})

describe('errors', () => {
  it('throttling is retried by the SDK with backoff; throttling past maxAttempts is THROTTLED, retryable', async () => {
    endpoint.fail('UpdateTable', 'ThrottlingException', { message: 'Rate exceeded' })
    expect((await apply([at('sales', 'orders'), 'owners', 'a'])).results).toEqual([{ ok: true }])
    expect(endpoint.updates()).toHaveLength(2)
    endpoint.fail('UpdateTable', 'ThrottlingException', { times: 2, message: 'Rate exceeded' })
    const { results } = await apply([at('sales', 'orders'), 'owners', 'b'])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'THROTTLED', retryable: true, message: expect.stringContaining('UpdateTable on sales.orders failed: ThrottlingException: Rate exceeded') } })
    expect(endpoint.table('sales', 'orders')!.Owner).toBe('a')
  })

  it('permanent errors are coded per operation and the other operations still land', async () => {
    endpoint.fail('UpdateTable', 'EntityNotFoundException', { message: 'Table orders not found.' })
    endpoint.fail('UpdateDatabase', 'InvalidInputException', { message: 'bad input' })
    const { results } = await apply([at('sales', 'orders'), 'owners', 'a'], [at('sales'), 'description', 'd'], [at('sales', 'v_orders'), 'owners', 'b'])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'OBJECT_NOT_FOUND', retryable: false } })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'SQL_FAILED', retryable: false, message: expect.stringContaining('InvalidInputException: bad input') } })
    expect(results[2]).toEqual({ ok: true })
    expect(endpoint.table('sales', 'v_orders')!.Owner).toBe('b')
  })

  it('credentials refused: CONNECTION_FAILED, not retryable, and the secret key appears nowhere', async () => {
    endpoint.fail('GetDatabase', 'UnrecognizedClientException', { message: `The security token included in the request is invalid ${secret}` })
    const error = (await client.readBack([at('sales')]).then(() => undefined, (e: unknown) => e)) as Error & { code: string; retryable: boolean }
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
    expect(JSON.stringify({ message: error.message, details: (error as { details?: unknown }).details })).not.toContain(secret)
  })

  it('an unreadable secret key file fails the client with CONNECTION_FAILED naming the option and the path', async () => {
    const connection = athenaConnector.connectionSchema.parse({ region: 'eu-west-1', endpoint: endpoint.url, accessKeyId: 'AKIDTEST', secretAccessKeyFile: '/nonexistent/aws-secret' })
    await expect(athenaConnector.createClient(connection, { service: 'ath', dialect })).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: false, message: 'Cannot read secretAccessKeyFile /nonexistent/aws-secret (ENOENT)' })
  })

  it('SQL (a channel\'s custom template) is refused UNSUPPORTED: this connector runs no queries', async () => {
    const results = await client.execute('awsdatacatalog', [[{ kind: 'sql', database: 'awsdatacatalog', sql: "ALTER TABLE sales.orders SET TBLPROPERTIES ('comment' = 'x')" }]])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } })
    expect(endpoint.requests).toEqual([])
  })

  it('a request not made from the read this client holds is refused, never sent over the table', async () => {
    await client.readBack([at('sales', 'orders')])
    const offline = dialect.description.render({ asset: at('sales', 'orders'), objectType: 'table' }, 'partial')
    const results = await client.execute('glue', [offline])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'CONCURRENT_MODIFICATION' } })
    expect(endpoint.updates()).toEqual([])
  })
})
