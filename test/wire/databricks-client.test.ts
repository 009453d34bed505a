import { afterEach, describe, expect, it } from 'vitest'
import type { ConnectorClient, UnitResult } from '../../src/connectors/connector.js'
import { loadConnector } from '../../src/connectors/registry.js'
import { sqlStatement, apiStatement } from '../../src/model/statement.js'
import type { AssetRef } from '../../src/model/asset.js'
import { startDatabricksEndpoint, type DatabricksEndpoint, type EndpointOptions } from '../support/databricks-endpoint.js'
import { DatabricksModel } from '../support/databricks-model.js'

/**
 * The Databricks and Unity Catalog clients against the loopback workspace: the Statement
 * Execution API's polling, failures and rate limit, chunked results, OAuth M2M tokens, and Unity
 * Catalog's REST requests and paged listings, each asserted on the requests the endpoint received.
 */
let endpoint: DatabricksEndpoint
let client: ConnectorClient

const model = () =>
  new DatabricksModel()
    .add(['main'], 'CATALOG')
    .add(['main', 'sales'], 'SCHEMA')
    .add(['main', 'sales', 'orders'], 'MANAGED', 'old')
    .add(['main', 'sales', 'orders', 'id'], 'COLUMN')
    .add(['main', 'sales', 'orders', 'email'], 'COLUMN')
    .add(['main', 'sales', 'v'], 'VIEW')

async function open(type: 'databricks' | 'unity-catalog', connection: Record<string, unknown> = {}, options: EndpointOptions = {}) {
  endpoint = await startDatabricksEndpoint(model(), options)
  const connector = (await loadConnector(type))!
  const parsed = connector.connectionSchema.parse({ host: endpoint.url, warehouseId: 'wh-1', pollIntervalMs: 1, ...('clientId' in connection || 'tokenFile' in connection ? {} : { token: 'dapi-test-token' }), ...connection })
  client = await connector.createClient(parsed, { service: 'dbx', dialect: connector.createDialect(parsed) })
  return client
}

const sql = (text: string) => [sqlStatement('main', text)]
const paths = () => endpoint.received.map((r) => `${r.method} ${r.path.replace(/01ef-\d+/, 'ID')} ${r.status}`)

afterEach(async () => {
  await client?.close()
  await endpoint?.close()
})

describe('Statement Execution API', () => {
  it('submits one statement per request with the warehouse, polls a PENDING statement until it succeeds', async () => {
    await open('databricks')
    endpoint.pendNext(1, 2)
    const results = await client.execute('main', [sql("COMMENT ON TABLE `main`.`sales`.`orders` IS 'new'")])
    expect(results).toEqual([{ ok: true }])
    expect(paths()).toEqual(['POST /api/2.0/sql/statements 200', 'GET /api/2.0/sql/statements/ID 200', 'GET /api/2.0/sql/statements/ID 200', 'GET /api/2.0/sql/statements/ID 200'])
    expect(endpoint.received[0]!.body).toEqual({ warehouse_id: 'wh-1', statement: "COMMENT ON TABLE `main`.`sales`.`orders` IS 'new'", wait_timeout: '10s', on_wait_timeout: 'CONTINUE', disposition: 'INLINE', format: 'JSON_ARRAY' })
    expect(endpoint.received.every((r) => r.auth === 'dapi-test-token')).toBe(true)
    expect(endpoint.model.get('main', 'sales', 'orders')?.comment).toBe('new')
  })

  it('a FAILED statement fails its unit alone, coded from the error class; the others apply', async () => {
    await open('databricks')
    const results = await client.execute('main', [sql("COMMENT ON TABLE `main`.`sales`.`gone` IS 'x'"), sql("COMMENT ON TABLE `main`.`sales`.`orders` IS 'ok'"), sql('COMMENT ON TABLE `main`.`sales`.`orders` IS bogus')])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'OBJECT_NOT_FOUND', details: { errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlstate: '42P01' } } })
    expect(results[1]).toEqual({ ok: true })
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'SQL_FAILED', retryable: false } })
    expect(endpoint.model.get('main', 'sales', 'orders')?.comment).toBe('ok')
  })

  it('a 429 is retried after its Retry-After, then the statement runs once', async () => {
    await open('databricks', { maxRetries: 2 })
    endpoint.failNext(429, 2, '0')
    expect(await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'c'")])).toEqual([{ ok: true }])
    expect(paths()).toEqual(['POST /api/2.0/sql/statements 429', 'POST /api/2.0/sql/statements 429', 'POST /api/2.0/sql/statements 200'])
    expect(endpoint.changes()).toEqual(["COMMENT ON CATALOG `main` IS 'c'"])
  })

  it('a rate limit that outlasts maxRetries fails retryable, for the executor to retry later', async () => {
    await open('databricks', { maxRetries: 1 })
    endpoint.failNext(429, 5, '0')
    const [result] = await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'c'")])
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED', retryable: true, details: { status: 429 } } })
    expect(endpoint.received).toHaveLength(2)
  })

  it('reads back in one query per kind, rows across chunks, and files mixed-case names as asked', async () => {
    await open('databricks')
    endpoint.model.tag(['main', 'sales', 'orders', 'email'], 'PII', 'Sensitive').tag(['main'], 'Env', 'prod')
    endpoint.chunkRows = 1
    const asked: AssetRef[] = [{ level: 'column', service: 'dbx', database: 'Main', schema: 'Sales', table: 'Orders', column: 'Email' }]
    const snapshot = await client.readBack(asked)
    expect(snapshot.get('dbx.Main.Sales.Orders.Email')).toEqual({ objectType: 'column', description: null, definition: 'table', tags: [{ key: 'PII', value: 'Sensitive' }] })
    expect(snapshot.get('dbx.Main.Sales.Orders')).toMatchObject({ objectType: 'table', description: 'old', owner: 'admins', tags: [] })
    expect(snapshot.get('dbx.Main.Sales.v')).toMatchObject({ objectType: 'view' })
    expect(snapshot.get('dbx.Main')).toMatchObject({ tags: [{ key: 'Env', value: 'prod' }] })
    const submitted = endpoint.statements()
    expect(submitted).toHaveLength(8)
    expect(submitted.every((s) => s.startsWith('SELECT ') && s.includes('`Main`.information_schema.'))).toBe(true)
    // Three columns rows (id, email, and the view has none) came in chunks: each chunk fetched by its link.
    expect(paths().filter((p) => p.includes('/result/chunks/')).length).toBeGreaterThan(0)
  })

  it('a catalog that does not exist reads back as nothing, not as a failure', async () => {
    await open('databricks')
    const snapshot = await client.readBack([{ level: 'database', service: 'dbx', database: 'nope' }])
    expect(snapshot.size).toBe(0)
  })

  it('a workspace that cannot be reached fails the unit retryable and leaves the rest unattempted', async () => {
    await open('databricks')
    await endpoint.close()
    const results: UnitResult[] = await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'"), sql("COMMENT ON CATALOG `main` IS 'b'")])
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED', retryable: true } })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED', message: expect.stringContaining('Not attempted') } })
    endpoint = await startDatabricksEndpoint()
  })
})

describe('ingestion and hostile answers', () => {
  it('lists catalogs (system ones left out) and a catalog\'s schemas', async () => {
    await open('databricks')
    endpoint.model.add(['system'], 'CATALOG').add(['main', 'information_schema'], 'SCHEMA')
    expect(await client.listDatabases!()).toEqual(['main'])
    expect(await client.listSchemas!('main')).toEqual(['sales'])
    expect(endpoint.statements()).toEqual(['SHOW CATALOGS', 'SHOW SCHEMAS IN `main`'])
  })

  it('a result chunk linked outside the statements API is refused, so the token goes nowhere else', async () => {
    await open('databricks')
    endpoint.chunkRows = 1
    endpoint.strayChunkLink = 'http://127.0.0.1:9/collect'
    await expect(client.readBack([{ level: 'schema', service: 'dbx', database: 'main', schema: 'sales' }])).rejects.toMatchObject({ code: 'SQL_FAILED', message: expect.stringContaining('outside its own path') })
    expect(endpoint.received.every((r) => r.path.startsWith('/api/2.0/sql/statements'))).toBe(true)
  })

  it('a statement still RUNNING past statementTimeoutMs is cancelled and fails retryable', async () => {
    await open('databricks', { statementTimeoutMs: 1000 })
    endpoint.pendNext(1, 1_000_000)
    const [result] = await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'slow'")])
    expect(result).toMatchObject({ ok: false, error: { code: 'LOCK_TIMEOUT', retryable: true } })
    expect(paths().at(-1)).toBe('POST /api/2.0/sql/statements/ID/cancel 200')
  })

  it('a rotated token file is read again: the next request carries the new token', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const dir = await mkdtemp(`${tmpdir()}/revmeta-dbx-`)
    await writeFile(`${dir}/token`, 'dapi-test-token\n')
    await open('databricks', { tokenFile: `${dir}/token` }, { tokens: ['dapi-test-token', 'dapi-rotated'] })
    await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'")])
    await writeFile(`${dir}/token`, 'dapi-rotated')
    await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'b'")])
    expect(endpoint.received.map((r) => r.auth)).toEqual(['dapi-test-token', 'dapi-rotated'])
    await rm(dir, { recursive: true, force: true })
  })
})

describe('identifier-form tags', () => {
  it('SET TAG ON lands key-only and valued tags; setting a key already there fails its unit as Databricks does', async () => {
    await open('databricks', { tagSyntax: 'identifier' })
    const { DatabricksDialect } = await import('../../src/connectors/databricks/databricks-dialect.js')
    const dialect = new DatabricksDialect({ tagSyntax: 'identifier' })
    const target = { asset: { level: 'table' as const, service: 'dbx', database: 'main', schema: 'sales', table: 'orders' }, objectType: 'table' }
    const unit = dialect.tags.render(target, { add: [{ key: 'PII', value: "it's `x`" }, { key: 'flag', value: '' }], remove: [] })
    expect(await client.execute('main', [unit])).toEqual([{ ok: true }])
    expect(endpoint.model.tagsOf('main', 'sales', 'orders')).toEqual(['PII=it\'s `x`', 'flag='])
    const [again] = await client.execute('main', [unit])
    expect(again).toMatchObject({ ok: false, error: { code: 'SQL_FAILED', details: { errorClass: 'TAG_ALREADY_EXISTS' } } })
  })
})

describe('authentication', () => {
  it('OAuth M2M: one client-credentials grant at the workspace token endpoint, cached for every later request', async () => {
    await open('databricks', { clientId: 'sp-app', clientSecret: 'sp-secret' }, { clients: { 'sp-app': 'sp-secret' } })
    await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'"), sql("COMMENT ON CATALOG `main` IS 'b'")])
    expect(paths()).toEqual(['POST /oidc/v1/token 200', 'POST /api/2.0/sql/statements 200', 'POST /api/2.0/sql/statements 200'])
    expect(endpoint.received[0]!.body).toBe('grant_type=client_credentials&scope=all-apis')
    expect(endpoint.received.slice(1).every((r) => r.auth === 'oauth-1')).toBe(true)
  })

  it('OAuth M2M: a token about to expire is replaced before use', async () => {
    await open('databricks', { clientId: 'sp-app', clientSecret: 'sp-secret' }, { clients: { 'sp-app': 'sp-secret' }, tokenLifetime: 30 })
    await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'"), sql("COMMENT ON CATALOG `main` IS 'b'")])
    expect(paths().filter((p) => p.startsWith('POST /oidc'))).toHaveLength(2)
    expect(endpoint.received.filter((r) => r.path === '/api/2.0/sql/statements').map((r) => r.auth)).toEqual(['oauth-1', 'oauth-2'])
  })

  it('OAuth M2M: a token revoked early answers 401 once; a new grant is made and the request goes through', async () => {
    await open('databricks', { clientId: 'sp-app', clientSecret: 'sp-secret' }, { clients: { 'sp-app': 'sp-secret' } })
    await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'")])
    endpoint.revokeOAuthTokens()
    expect(await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'b'")])).toEqual([{ ok: true }])
    expect(paths()).toEqual(['POST /oidc/v1/token 200', 'POST /api/2.0/sql/statements 200', 'POST /api/2.0/sql/statements 401', 'POST /oidc/v1/token 200', 'POST /api/2.0/sql/statements 200'])
  })

  it('refused credentials fail as CONNECTION_FAILED, not retryable, with no secret in the message', async () => {
    await open('databricks', { clientId: 'sp-app', clientSecret: 'wrong-secret' }, { clients: { 'sp-app': 'sp-secret' } })
    const [result] = await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'")])
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED', retryable: false } })
    expect(JSON.stringify(result)).not.toContain('wrong-secret')
    await client.close()
    await endpoint.close()
    await open('databricks', { token: 'dapi-revoked' })
    const [pat] = await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'a'")])
    expect(pat).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED', retryable: false } })
    // Credentials refused once are refused for every unit: the rest are not sent.
    const rest = await client.execute('main', [sql("COMMENT ON CATALOG `main` IS 'b'"), sql("COMMENT ON CATALOG `main` IS 'c'")])
    expect(rest.map((r) => (r.ok ? 'ok' : r.error.message.startsWith('Not attempted') ? 'not attempted' : r.error.code))).toEqual(['CONNECTION_FAILED', 'not attempted'])
    expect(endpoint.received).toHaveLength(2)
    expect(JSON.stringify(pat)).not.toContain('dapi-revoked')
  })
})

describe('Unity Catalog client', () => {
  it('sends REST requests to the workspace and SQL to the warehouse; a missing object is OBJECT_NOT_FOUND', async () => {
    await open('unity-catalog')
    const patch = apiStatement({ endpoint: 'unity-catalog', method: 'PATCH', path: '/api/2.1/unity-catalog/schemas/main.sales', body: { owner: 'eng' } })
    const missing = apiStatement({ endpoint: 'unity-catalog', method: 'PATCH', path: '/api/2.1/unity-catalog/tables/main.sales.gone', body: { owner: 'eng' } })
    expect(await client.execute('unity-catalog', [[patch], [missing]])).toMatchObject([{ ok: true }, { ok: false, error: { code: 'OBJECT_NOT_FOUND', details: { status: 404 } } }])
    expect(await client.execute('main', [sql("COMMENT ON TABLE `main`.`sales`.`orders` IS 't'")])).toEqual([{ ok: true }])
    expect(endpoint.changes()).toEqual(['PATCH /api/2.1/unity-catalog/schemas/main.sales {"owner":"eng"}', "COMMENT ON TABLE `main`.`sales`.`orders` IS 't'"])
  })

  it('reads comments and owners from paged REST listings (tables with columns, one listing per schema) and tags from information_schema', async () => {
    await open('unity-catalog', { pageSize: 1 })
    endpoint.model.get('main', 'sales', 'orders', 'email')!.comment = 'E'
    endpoint.model.tag(['main', 'sales', 'v'], 'Tier', 'Gold')
    const snapshot = await client.readBack([{ level: 'column', service: 'dbx', database: 'Main', schema: 'Sales', table: 'Orders', column: 'Email' }])
    expect(snapshot.get('dbx.Main')).toMatchObject({ objectType: 'database', owner: 'admins', tags: [] })
    expect(snapshot.get('dbx.Main.Sales.Orders.Email')).toEqual({ objectType: 'column', description: 'E', definition: 'table', tags: [] })
    expect(snapshot.get('dbx.Main.Sales.v')).toMatchObject({ objectType: 'view', tags: [{ key: 'Tier', value: 'Gold' }] })
    expect(paths().filter((p) => p.startsWith('GET /api/2.1'))).toEqual([
      'GET /api/2.1/unity-catalog/catalogs/main 200',
      'GET /api/2.1/unity-catalog/schemas?catalog_name=main&max_results=1 200',
      'GET /api/2.1/unity-catalog/tables?catalog_name=main&schema_name=sales&max_results=1 200',
      'GET /api/2.1/unity-catalog/tables?catalog_name=main&schema_name=sales&max_results=1&page_token=1 200',
    ])
    expect(endpoint.statements().map((s) => /information_schema\.(\w+)/.exec(s)?.[1])).toEqual(['catalog_tags', 'schema_tags', 'table_tags', 'column_tags'])
  })
})
