import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import type { ConnectorClient, ObjectTarget, Statement } from '../../src/connectors/connector.js'
import { bigqueryConnector } from '../../src/connectors/bigquery/index.js'
import type { BigQueryDialect } from '../../src/connectors/bigquery/bigquery-dialect.js'
import { executeUnits } from '../../src/engine/execute-units.js'
import type { AssetRef } from '../../src/model/asset.js'
import { startBigQueryEndpoint, type BigQueryEndpoint, type Resource } from '../support/bigquery-endpoint.js'
import { throwawayKeyFile } from '../support/bigquery-key.js'
import { dataset, project, seedBigQuery } from '../support/bigquery-seed.js'

process.env.METADATA_SERVER_DETECTION = 'none'

let endpoint: BigQueryEndpoint
let client: ConnectorClient
let dialect: BigQueryDialect
const key = throwawayKeyFile(project)

const asset = (level: AssetRef['level'], table?: string, column?: string): AssetRef => ({
  level,
  service: 'bq',
  database: project,
  schema: dataset,
  ...(table !== undefined ? { table } : {}),
  ...(column !== undefined ? { column } : {}),
})
const tablePath = (t: string) => `/bigquery/v2/projects/${project}/datasets/${dataset}/tables/${t}`

async function open(extra: Record<string, unknown> = {}) {
  const connection = bigqueryConnector.connectionSchema.parse({ projectId: project, keyFile: key.keyFile, apiEndpoint: endpoint.url, ...extra })
  dialect = bigqueryConnector.createDialect(connection) as BigQueryDialect
  client = await bigqueryConnector.createClient(connection, { service: 'bq', dialect })
}

/** Plans a column description as the engine does online: from the read-back state. */
async function columnUnit(table: string, column: string, text: string | null): Promise<Statement[]> {
  const snapshot = await client.readBack([asset('column', table, column)])
  const state = snapshot.get(`bq.${project}.${dataset}.${table}.${column.includes('.') ? `"${column}"` : column}`)!
  const target: ObjectTarget = { asset: asset('column', table, column), objectType: 'column', ...(state.definition ? { definition: state.definition } : {}) }
  return dialect.description.render(target, text)
}

/** Every field of `after` equals `before` except the listed paths, compared one by one. */
function expectOnlyChanged(before: Resource, after: Resource, changed: string[]) {
  const flat = (r: Resource) => {
    const out = new Map<string, string>()
    const walk = (v: unknown, path: string) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k)
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${(x as { name?: string })?.name ?? i}]`))
      else out.set(path, JSON.stringify(v))
    }
    walk(r, '')
    return out
  }
  const [b, a] = [flat(before), flat(after)]
  const differing = [...new Set([...b.keys(), ...a.keys()])].filter((k) => b.get(k) !== a.get(k) && k !== 'etag')
  expect(differing.sort()).toEqual(changed.sort())
}

beforeAll(() => undefined)
beforeEach(async () => {
  endpoint = await startBigQueryEndpoint()
  seedBigQuery(endpoint)
  await open()
})
afterEach(async () => {
  await client.close()
  await endpoint.close()
})
afterAll(() => rmSync(key.dir, { recursive: true, force: true }))

describe('BigQuery read-back (datasets.get, tables.list, tables.get)', () => {
  it('reads exact values: descriptions, labels as tags, object types, nested fields as a.b, authorised requests only', async () => {
    const snapshot = await client.readBack([asset('schema'), asset('table', 'orders'), asset('column', 'daily', 'day'), asset('table', 'totals'), asset('table', 'missing')])
    expect(snapshot.get(`bq.${project}.${dataset}`)).toMatchObject({ objectType: 'schema', description: 'Sales data', tags: [{ key: 'team', value: 'finance' }] })
    expect(snapshot.get(`bq.${project}.${dataset}.orders`)).toMatchObject({ objectType: 'table', description: 'Orders', tags: [{ key: 'env', value: 'prod' }, { key: 'tier', value: 'gold' }] })
    expect(snapshot.get(`bq.${project}.${dataset}.daily`)?.objectType).toBe('view')
    expect(snapshot.get(`bq.${project}.${dataset}.totals`)?.objectType).toBe('materialized_view')
    expect(snapshot.get(`bq.${project}.${dataset}.orders."address.geo.lat"`)).toMatchObject({ objectType: 'column', description: 'Latitude' })
    expect(snapshot.get(`bq.${project}.${dataset}.orders."address.geo.lon"`)?.description).toBeNull()
    expect(snapshot.has(`bq.${project}.${dataset}.missing`)).toBe(false)
    // One datasets.get, one tables.list, one tables.get per table asked for (never for a missing one).
    expect(endpoint.received.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [`GET /bigquery/v2/projects/${project}/datasets/${dataset}`, `GET /bigquery/v2/projects/${project}/datasets/${dataset}/tables`, `GET ${tablePath('daily')}`, `GET ${tablePath('orders')}`, `GET ${tablePath('totals')}`].sort(),
    )
    expect(endpoint.received.every((r) => r.authorized)).toBe(true)
  })

  it('pages through tables.list', async () => {
    endpoint.pageSize = 1
    const snapshot = await client.readBack([asset('table', 'totals')])
    expect(snapshot.get(`bq.${project}.${dataset}.totals`)?.description).toBeNull()
    expect(endpoint.received.filter((r) => r.path.endsWith('/tables')).map((r) => new URLSearchParams(r.query).get('pageToken'))).toEqual([null, '1', '2'])
  })

  it('a missing dataset is absent from the snapshot, not an error', async () => {
    const snapshot = await client.readBack([{ ...asset('table', 'orders'), schema: 'nope' }])
    expect(snapshot.size).toBe(0)
  })

  it('owners read back from the owner label, which then is not a tag', async () => {
    endpoint.changeTable(project, dataset, 'orders', (r) => (r.labels = { ...(r.labels as object), owner: 'jane' }))
    await open({ ownerLabel: 'owner' })
    const state = (await client.readBack([asset('table', 'orders')])).get(`bq.${project}.${dataset}.orders`)!
    expect(state.owner).toBe('jane')
    expect(state.tags?.map((t) => t.key)).toEqual(['env', 'tier'])
  })
})

describe('BigQuery writes keep every field they do not mean to change', () => {
  it('a nested column description: the complete schema as read, one description changed, sent with If-Match', async () => {
    const before = endpoint.table(project, dataset, 'orders')
    const unit = await columnUnit('orders', 'address.geo.lon', 'Longitude')
    const [result] = await client.execute('bigquery', [unit])
    expect(result).toEqual({ ok: true })
    const patch = endpoint.received.filter((r) => r.method === 'PATCH')
    expect(patch).toHaveLength(1)
    expect(patch[0]!.ifMatch).toBe(before.etag)
    expect(patch[0]!.path).toBe(tablePath('orders'))
    // Only the schema (and the ETag the SDK turns into If-Match) is sent: partitioning, clustering and labels are not touched.
    expect(Object.keys(patch[0]!.body!).sort()).toEqual(['etag', 'schema'])
    expectOnlyChanged(before, endpoint.table(project, dataset, 'orders'), ['schema.fields[address].fields[geo].fields[lon].description'])
  })

  it('removing a column description drops only that description', async () => {
    const before = endpoint.table(project, dataset, 'orders')
    const [result] = await client.execute('bigquery', [await columnUnit('orders', 'id', null)])
    expect(result).toEqual({ ok: true })
    expectOnlyChanged(before, endpoint.table(project, dataset, 'orders'), ['schema.fields[id].description'])
  })

  it("a view's column: the view's query and everything else stay", async () => {
    const before = endpoint.table(project, dataset, 'daily')
    expect((await client.execute('bigquery', [await columnUnit('daily', 'n', 'Orders that day')]))[0]).toEqual({ ok: true })
    expectOnlyChanged(before, endpoint.table(project, dataset, 'daily'), ['schema.fields[n].description'])
  })

  it('table, view and materialized view descriptions are plain tables.patch of description', async () => {
    const before = ['orders', 'daily', 'totals'].map((t) => endpoint.table(project, dataset, t))
    const units = ['orders', 'daily', 'totals'].map((t, i) => dialect.description.render({ asset: asset('table', t), objectType: ['table', 'view', 'materialized_view'][i]! }, `about ${t}`))
    expect(units.map((u) => u.map((s) => (s.kind === 'api' ? s.display : s.sql)))).toEqual(['orders', 'daily', 'totals'].map((t) => [`PATCH ${tablePath(t)} {"description":"about ${t}"}`]))
    expect(await client.execute('bigquery', units)).toEqual([{ ok: true }, { ok: true }, { ok: true }])
    ;['orders', 'daily', 'totals'].forEach((t, i) => expectOnlyChanged(before[i]!, endpoint.table(project, dataset, t), ['description']))
  })

  it('a dataset description and labels: datasets.patch of those fields; access, location and expiration stay', async () => {
    const before = endpoint.dataset(project, dataset)
    const desc = dialect.description.render({ asset: asset('schema'), objectType: 'schema' }, 'Sales, "quoted" \\ and\nnew line')
    const tags = dialect.tags.render({ asset: asset('schema'), objectType: 'schema' }, { add: [{ key: 'domain', value: 'sales' }], remove: [{ key: 'team', value: 'finance' }] })
    expect(await client.execute('bigquery', [desc, tags])).toEqual([{ ok: true }, { ok: true }])
    const after = endpoint.dataset(project, dataset)
    expect(after.description).toBe('Sales, "quoted" \\ and\nnew line')
    expectOnlyChanged(before, after, ['description', 'labels.domain', 'labels.team'])
    expect(after.labels).toEqual({ domain: 'sales' })
  })

  it('a label removal deletes only that key; the other labels stay', async () => {
    const unit = dialect.tags.render({ asset: asset('table', 'orders'), objectType: 'table' }, { add: [], remove: [{ key: 'tier', value: 'gold' }] })
    expect(unit.map((s) => (s.kind === 'api' ? s.display : ''))).toEqual([`PATCH ${tablePath('orders')} {"labels":{"tier":null}}`])
    await client.execute('bigquery', [unit])
    expect(endpoint.table(project, dataset, 'orders').labels).toEqual({ env: 'prod' })
  })

  it('planned offline (only the changed field known), the client fills the schema from a fresh read', async () => {
    const before = endpoint.table(project, dataset, 'orders')
    const unit = dialect.description.render({ asset: asset('column', 'orders', 'items.sku'), objectType: 'column' }, 'Stock unit')
    expect(unit.map((s) => (s.kind === 'api' ? s.display : ''))).toEqual([`PATCH ${tablePath('orders')} {"schema":{"fields":[{"name":"items","fields":[{"name":"sku","description":"Stock unit"}]}]}}`])
    expect(await client.execute('bigquery', [unit])).toEqual([{ ok: true }])
    expect(endpoint.received.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${tablePath('orders')}`, `PATCH ${tablePath('orders')}`])
    expectOnlyChanged(before, endpoint.table(project, dataset, 'orders'), ['schema.fields[items].fields[sku].description'])
  })

  it('several changes of one table in one batch go as one tables.patch: each lands, none undoes another', async () => {
    const before = endpoint.table(project, dataset, 'orders')
    const description = dialect.description.render({ asset: asset('table', 'orders'), objectType: 'table' }, 'All at once')
    const labels = dialect.tags.render({ asset: asset('table', 'orders'), objectType: 'table' }, { add: [{ key: 'pii', value: 'yes' }], remove: [{ key: 'env', value: 'prod' }] })
    const units = [await columnUnit('orders', 'id', 'Id'), description, await columnUnit('orders', 'ordered_at', 'When'), labels, await columnUnit('orders', 'address.city', 'City')]
    endpoint.received.length = 0
    expect(await client.execute('bigquery', units)).toEqual(units.map(() => ({ ok: true })))
    expect(endpoint.received.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${tablePath('orders')}`])
    expect(endpoint.received[0]!.ifMatch).toBe(before.etag)
    expectOnlyChanged(before, endpoint.table(project, dataset, 'orders'), [
      'description',
      'labels.env',
      'labels.pii',
      'schema.fields[id].description',
      'schema.fields[ordered_at].description',
      'schema.fields[address].fields[city].description',
    ])
    const fields = (endpoint.table(project, dataset, 'orders').schema as { fields: Resource[] }).fields
    expect(fields.map((f) => f.description)).toEqual(['Id', undefined, 'When', 'Where it goes', undefined])
    expect((fields[3]!.fields as Resource[])[0]!.description).toBe('City')
    expect(endpoint.received.filter((r) => r.status === 412)).toEqual([])
  })
})

describe('BigQuery concurrency, throttling and errors', () => {
  it('412: someone changed the table meanwhile; read again, retry, and keep their change', async () => {
    const unit = await columnUnit('orders', 'ordered_at', 'Order time')
    endpoint.conflictOnce(project, dataset, 'orders', (r) => {
      const fields = (r.schema as { fields: Resource[] }).fields
      fields[1] = { ...fields[1]!, description: 'Written by someone else' }
      r.labels = { ...(r.labels as object), added: 'meanwhile' }
    })
    expect(await client.execute('bigquery', [unit])).toEqual([{ ok: true }])
    expect(endpoint.received.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'GET 200', 'GET 200', 'PATCH 412', 'GET 200', 'PATCH 200'])
    const after = endpoint.table(project, dataset, 'orders')
    const fields = (after.schema as { fields: Resource[] }).fields
    expect(fields[1]!.description).toBe('Written by someone else')
    expect(fields[2]!.description).toBe('Order time')
    expect(after.labels).toEqual({ env: 'prod', tier: 'gold', added: 'meanwhile' })
  })

  it('412 every time: a coded CONCURRENT_MODIFICATION after conflictRetries, nothing overwritten', async () => {
    await open({ conflictRetries: 1 })
    const unit = await columnUnit('orders', 'id', 'Mine')
    endpoint.fail({ status: 412, reason: 'conditionNotMet', method: 'PATCH', count: 5 })
    const [result] = await client.execute('bigquery', [unit])
    expect(result!.ok).toBe(false)
    expect(!result!.ok && result!.error.code).toBe('CONCURRENT_MODIFICATION')
    expect(endpoint.received.filter((r) => r.method === 'PATCH')).toHaveLength(2)
  })

  it.each([
    [429, 'rateLimitExceeded', 'THROTTLED'],
    [403, 'rateLimitExceeded', 'THROTTLED'],
    [503, 'backendError', 'CONNECTION_FAILED'],
  ])('HTTP %i %s is retried with backoff by the executor and lands', async (status, reason, code) => {
    endpoint.fail({ status, reason, method: 'PATCH' })
    const unit = dialect.description.render({ asset: asset('table', 'orders'), objectType: 'table' }, 'Retried')
    const first = await client.execute('bigquery', [unit])
    expect(!first[0]!.ok && [first[0]!.error.code, first[0]!.error.retryable]).toEqual([code, true])
    endpoint.fail({ status, reason, method: 'PATCH' })
    const { results, attempts } = await executeUnits(client, 'bigquery', [unit], { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 })
    expect(results).toEqual([{ ok: true }])
    expect(attempts).toEqual([2])
    expect(endpoint.table(project, dataset, 'orders').description).toBe('Retried')
  })

  it('permanent errors are coded per operation; the other operations of the batch land', async () => {
    endpoint.fail({ status: 400, reason: 'invalid', method: 'PATCH', pathIncludes: '/tables/orders' })
    endpoint.fail({ status: 403, reason: 'accessDenied', method: 'PATCH', pathIncludes: '/tables/daily' })
    const units = ['orders', 'daily', 'gone', 'totals'].map((t) => dialect.description.render({ asset: asset('table', t), objectType: 'table' }, 'x'))
    const results = await client.execute('bigquery', units)
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code} ${r.error.retryable}`))).toEqual(['API_REQUEST_FAILED false', 'PRIVILEGE false', 'OBJECT_NOT_FOUND false', 'ok'])
    const failed = results[0]!
    expect(!failed.ok && failed.error.message).toContain(`PATCH ${tablePath('orders')}`)
    expect(endpoint.table(project, dataset, 'totals').description).toBe('x')
  })

  it('when the combined request fails for good, each unit is sent alone: the failure is pinned on its own unit', async () => {
    const units = [await columnUnit('orders', 'id', 'Id'), dialect.description.render({ asset: asset('column', 'orders', 'nope'), objectType: 'column' }, 'Missing'), await columnUnit('orders', 'ordered_at', 'When')]
    const results = await client.execute('bigquery', units)
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'OBJECT_NOT_FOUND', 'ok'])
    expect((endpoint.table(project, dataset, 'orders').schema as { fields: Resource[] }).fields.map((f) => f.description)).toEqual(['Id', undefined, 'When', 'Where it goes', undefined])
  })

  it('a retryable failure of the combined request is every unit\'s, for the executor to retry', async () => {
    endpoint.fail({ status: 429, reason: 'rateLimitExceeded', method: 'PATCH' })
    const units = [await columnUnit('orders', 'id', 'Id'), await columnUnit('orders', 'ordered_at', 'When')]
    const results = await client.execute('bigquery', units)
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code} ${r.error.retryable}`))).toEqual(['THROTTLED true', 'THROTTLED true'])
    expect(endpoint.received.filter((r) => r.method === 'PATCH')).toHaveLength(1)
  })

  it('SQL (a custom template) cannot run on a bigquery service: UNSUPPORTED for that unit, nothing sent', async () => {
    const results = await client.execute(project, [[{ kind: 'sql', database: project, sql: 'ALTER TABLE t SET OPTIONS (description = "x")' }]])
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['UNSUPPORTED'])
    expect(endpoint.received).toEqual([])
  })

  it('a column that does not exist in the schema is OBJECT_NOT_FOUND and nothing is sent', async () => {
    const unit = dialect.description.render({ asset: asset('column', 'orders', 'address.zip'), objectType: 'column' }, 'Zip')
    const [result] = await client.execute('bigquery', [unit])
    expect(!result!.ok && result!.error.code).toBe('OBJECT_NOT_FOUND')
    expect(endpoint.received.filter((r) => r.method === 'PATCH')).toEqual([])
  })
})

describe('BigQuery client: bounds and plans made elsewhere', () => {
  it('reads back with at most readConcurrency requests at once', async () => {
    for (let i = 0; i < 6; i++) endpoint.addTable(project, dataset, `t${i}`, { schema: { fields: [{ name: 'x', type: 'STRING' }] } })
    await open({ readConcurrency: 2 })
    endpoint.delayMs = 20
    const snapshot = await client.readBack(Array.from({ length: 6 }, (_, i) => asset('table', `t${i}`)))
    expect(snapshot.size).toBe(1 + 6 * 2)
    expect(endpoint.maxInFlight).toBe(2)
  })

  it('a column matches case-insensitively, as BigQuery column names do', async () => {
    const unit = dialect.description.render({ asset: asset('column', 'orders', 'ADDRESS.City'), objectType: 'column' }, 'City')
    expect(await client.execute('bigquery', [unit])).toEqual([{ ok: true }])
    expect(((endpoint.table(project, dataset, 'orders').schema as { fields: Resource[] }).fields[3]!.fields as Resource[])[0]!.description).toBe('City')
  })

  it('a complete schema planned by another process is sent as planned with its If-Match; after a conflict it is refused, not forced', async () => {
    const planned = await columnUnit('orders', 'id', 'Planned elsewhere')
    const other = await columnUnit('orders', 'ordered_at', 'Also planned elsewhere')
    await client.close()
    await open() // a fresh client: it never saw the read those plans came from
    expect(await client.execute('bigquery', [planned])).toEqual([{ ok: true }])
    expect(endpoint.received.filter((r) => r.method === 'PATCH').map((r) => r.ifMatch)).toEqual([(planned[0] as { body: { etag: string } }).body.etag])
    // `other` was planned from the same read, which the first write made stale.
    const [result] = await client.execute('bigquery', [other])
    expect(!result!.ok && [result!.error.code, result!.error.retryable]).toEqual(['CONCURRENT_MODIFICATION', false])
    expect((endpoint.table(project, dataset, 'orders').schema as { fields: Resource[] }).fields.map((f) => f.description)).toEqual(['Planned elsewhere', undefined, undefined, 'Where it goes', undefined])
  })
})

describe('BigQuery credentials', () => {
  it.each([
    ['missing', undefined, /cannot be read \(ENOENT\)/],
    ['not JSON', '-----BEGIN PRIVATE KEY-----\nsecret-material\n', /is not JSON/],
    ['without its key', JSON.stringify({ type: 'service_account', client_email: 'a@b', private_key_id: 'secret-material' }), /has no private_key/],
  ])('a %s key file is refused before any request, naming the file, never its content', async (_, content, message) => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const file = join(mkdtempSync(join(tmpdir(), 'bq-bad-')), 'key.json')
    if (content !== undefined) writeFileSync(file, content)
    const connection = bigqueryConnector.connectionSchema.parse({ projectId: project, keyFile: file, apiEndpoint: endpoint.url })
    const error = await bigqueryConnector.createClient(connection, { service: 'bq', dialect }).then(
      () => undefined,
      (e: unknown) => e as { code: string; retryable: boolean; message: string },
    )
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
    expect(error!.message).toMatch(message)
    expect(error!.message).toContain(file)
    expect(error!.message).not.toContain('secret-material')
    expect(endpoint.received).toEqual([])
  })
})

describe('BigQuery for ingestion', () => {
  it('lists the project and its datasets, and reads an asked-for dataset whole: every table and nested column', async () => {
    endpoint.addDataset(project, 'other')
    expect(await client.listDatabases!()).toEqual([project])
    expect((await client.listSchemas!(project)).sort()).toEqual(['other', dataset])
    const snapshot = await client.readBack([asset('schema')])
    expect([...snapshot.keys()].filter((k) => !k.includes('"')).sort()).toEqual(
      [`bq.${project}.${dataset}`, ...['orders', 'daily', 'totals'].map((t) => `bq.${project}.${dataset}.${t}`), ...['id', 'customer_id', 'ordered_at', 'address', 'items'].map((c) => `bq.${project}.${dataset}.orders.${c}`), `bq.${project}.${dataset}.daily.day`, `bq.${project}.${dataset}.daily.n`, `bq.${project}.${dataset}.totals.customer_id`, `bq.${project}.${dataset}.totals.n`].sort(),
    )
    expect(snapshot.get(`bq.${project}.${dataset}.orders."address.geo.lat"`)?.description).toBe('Latitude')
  })
})
