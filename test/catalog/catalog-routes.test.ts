import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogRoutes } from '../../src/catalog/catalog-routes.js'
import type { CatalogService } from '../../src/catalog/catalog-service.js'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { OpenMetadataClient } from '../../src/openmetadata/om-client.js'
import type { OmEntity } from '../../src/openmetadata/om-types.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { sqliteTarget } from '../store/store-support.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'
import { seedDirectory, seedEntities } from './catalog-seed.js'
import { builtinOwnerDirectory, openMetadataOwnerDirectory } from '../../src/catalogs/owner-directories.js'

const target = sqliteTarget()
let app: FastifyInstance
let catalog: CatalogService
let base: string
let requests: string[] = []
let tokens: RoleTokens

async function startApp(config: RevmetaConfig): Promise<{ app: FastifyInstance; base: string; catalog: CatalogService; tokens: RoleTokens }> {
  let opened: CatalogService | undefined
  const store = await target.fresh()
  const server = await buildApp({ config, store, metrics: new ServerMetrics() }, [catalogRoutes({ selfSubscription: false, onCatalog: (c) => (opened = c), log: () => {} })])
  const address = await server.listen({ host: '127.0.0.1', port: 0 })
  return { app: server, base: address, catalog: opened!, tokens: await roleTokens(store, 'routes') }
}

const configWith = (catalog: Record<string, unknown> = {}) =>
  resolveConfig({ catalog, services: [{ name: 'wh', type: 'postgres', connection: { database: 'shop' } }] }, { source: 'test', baseDir: process.cwd(), env: {} })

const client = (token: string = tokens.admin) =>
  new OpenMetadataClient({
    url: base,
    retries: 0,
    token,
    fetch: (async (input: URL | RequestInfo, init?: RequestInit) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input).replace(base, '')}`)
      return fetch(input, init)
    }) as typeof fetch,
  })

async function failure(promise: Promise<unknown>): Promise<RevmetaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RevmetaError)
  return error as RevmetaError
}

beforeAll(async () => {
  await target.setup()
  ;({ app, base, catalog, tokens } = await startApp(await configWith({ subscriptions: { allow: ['http://127.0.0.1:9/'] } })))
  await seedDirectory(catalog)
  await seedEntities(catalog)
})

afterAll(async () => {
  await app?.close()
  await target.teardown()
})

describe('built-in catalog API through OpenMetadataClient', () => {
  it('getEntity by FQN with the default fields', async () => {
    const table = await client().getEntity('table', 'wh.shop.sales.orders')
    expect(table).toMatchObject({ name: 'orders', fullyQualifiedName: 'wh.shop.sales.orders', owners: [], tags: [] })
    expect(table.columns?.map((c) => c.name)).toEqual(['email', 'geo.lat', 'id'])
    const schema = await client().getEntity('databaseSchema', 'wh.shop.sales')
    expect(schema).toMatchObject({ name: 'sales', database: { name: 'shop' } })
    const missing = await failure(client().getEntity('table', 'wh.shop.sales."no.such"'))
    expect(missing.code).toBe('CATALOG_NOT_FOUND')
    expect(missing.message).toContain('table instance for wh.shop.sales."no.such" not found')
  })

  it('listEntities follows the after cursor over several pages', async () => {
    requests = []
    const names: string[] = []
    for await (const t of client().listEntities('table', { databaseSchema: 'wh.shop.sales' }, 'columns,tags,owners', 2)) names.push(t.name)
    expect(names).toEqual(['customers', 'invoices', 'orders', 'payments', 'returns'])
    expect(requests.filter((r) => r.startsWith('GET /api/v1/tables?'))).toHaveLength(3)
    const schemas: OmEntity[] = []
    for await (const s of client().listEntities('databaseSchema', { database: 'wh.shop' })) schemas.push(s)
    expect(schemas.map((s) => s.fullyQualifiedName)).toEqual(['wh.shop.hr', 'wh.shop.sales'])
  })

  it('patchEntity with application/json-patch+json, then listEvents returns the change', async () => {
    const since = Date.now()
    const table = await client().getEntity('table', 'wh.shop.sales.orders')
    const patched = await client().patchEntity('table', table.id, [
      { op: 'add', path: '/columns/1/description', value: 'Latitude' },
      { op: 'add', path: '/tags/0', value: { tagFQN: 'Tier.Tier1', source: 'Classification', labelType: 'Manual', state: 'Confirmed' } },
    ])
    expect(patched).toMatchObject({ version: 0.2, updatedBy: 'routes-admin' })
    expect(requests.at(-1)).toMatch(/^PATCH \/api\/v1\/tables\//)
    const events = await client().listEvents(since)
    expect(events).toHaveLength(1)
    const { changes } = normalizeChangeEvents(events)
    expect(changes.map((c) => [c.kind, c.asset.level, c.asset.column ?? c.asset.table])).toEqual([
      ['tags', 'table', 'orders'],
      ['description', 'column', 'geo.lat'],
    ])
    // An admin can say who edited (a front end acting for its user); an editor cannot.
    const patch = (token: string) => fetch(`${base}/api/v1/tables/${table.id}`, { method: 'PATCH', headers: { ...bearer(token), 'content-type': 'application/json-patch+json', 'x-revmeta-user': 'bob' }, body: JSON.stringify([{ op: 'replace', path: '/description', value: 'By bob' }]) })
    expect(((await (await patch(tokens.admin)).json()) as OmEntity).updatedBy).toBe('bob')
    const refused = await patch(tokens.editor)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'AUTH_FORBIDDEN' } })
  })

  it('getUser with teams and getTeam with users', async () => {
    expect(await client().getUser('alice')).toMatchObject({ name: 'alice', email: 'alice@example.com', teams: [{ type: 'team', name: 'data' }] })
    expect(await client().getTeam('data')).toMatchObject({ name: 'data', email: 'data@example.com', users: [{ type: 'user', name: 'alice' }] })
    expect((await failure(client().getUser('nobody'))).code).toBe('CATALOG_NOT_FOUND')
  })

  it('names id-only owners by id: GET /api/v1/users/{id} and /teams/{id} over HTTP, and the same directory in process', async () => {
    const alice = await client().getUser('alice')
    const data = await client().getTeam('data')
    expect(await client().getUserById(alice.id)).toMatchObject({ id: alice.id, name: 'alice', email: 'alice@example.com' })
    expect(await client().getTeamById(data.id)).toMatchObject({ id: data.id, name: 'data' })
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "x' OR '1'='1"]) expect((await failure(client().getUserById(id))).code).toBe('CATALOG_NOT_FOUND')
    // The OpenMetadata backend's directory, talking to the built-in catalog as it would to OpenMetadata.
    const overHttp = openMetadataOwnerDirectory(client(tokens.viewer))
    expect(await overHttp.findOwner('user', alice.id)).toMatchObject({ type: 'user', name: 'alice', id: alice.id, fullyQualifiedName: 'alice', email: 'alice@example.com' })
    expect(await overHttp.findOwner('team', data.id)).toMatchObject({ type: 'team', name: 'data', id: data.id })
    expect(await overHttp.findOwner('team', alice.id)).toBeUndefined()
    const inProcess = builtinOwnerDirectory(catalog)
    expect(await inProcess.findOwner('user', alice.id)).toEqual(await overHttp.findOwner('user', alice.id))
    expect(await inProcess.findOwner('user', '00000000-0000-4000-8000-000000000000')).toBeUndefined()
    // A viewer may read users by id, as by name; no token may not.
    const anonymous = await fetch(`${base}/api/v1/users/${alice.id}`)
    expect(anonymous.status).toBe(401)
  })

  it("answers errors in OpenMetadata's { code, message } shape", async () => {
    const table = await client().getEntity('table', 'wh.shop.sales.orders')
    const bad = await fetch(`${base}/api/v1/tables/${table.id}`, { method: 'PATCH', headers: { ...bearer(tokens.editor), 'content-type': 'application/json-patch+json' }, body: JSON.stringify([{ op: 'replace', path: '/name', value: 'x' }]) })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ code: 400, message: 'name of a table cannot be changed' })
    const notJson = await fetch(`${base}/api/v1/tables/${table.id}`, { method: 'PATCH', headers: { ...bearer(tokens.editor), 'content-type': 'application/json-patch+json' }, body: '[{' })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ code: 400 })
    const noTimestamp = await fetch(`${base}/api/v1/events?entityUpdated=table`, { headers: bearer(tokens.viewer) })
    expect(noTimestamp.status).toBe(400)
    expect(await noTimestamp.json()).toEqual({ code: 400, message: 'query param timestamp must not be null' })
    const missing = await fetch(`${base}/api/v1/tables/name/wh.x.y.z`, { headers: bearer(tokens.viewer) })
    expect(await missing.json()).toEqual({ code: 404, message: 'table instance for wh.x.y.z not found' })
    const viaClient = await failure(client().patchEntity('table', table.id, [{ op: 'remove', path: '/id' }]))
    expect(viaClient.code).toBe('CATALOG_FAILED')
    expect(viaClient.message).toContain('id of a table cannot be changed')
  })

  it('PUT users, teams, classifications and tags: 201 when created, 200 when updated', async () => {
    const put = (path: string, body: unknown) => fetch(`${base}/api/v1/${path}`, { method: 'PUT', headers: { ...bearer(tokens.admin), 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await put('users', { name: 'dave', email: 'dave@example.com' })).status).toBe(201)
    expect((await put('users', { name: 'dave', displayName: 'Dave' })).status).toBe(200)
    expect((await put('teams', { name: 'ops', users: ['dave'] })).status).toBe(201)
    expect((await put('classifications', { name: 'Quality' })).status).toBe(201)
    const tag = await put('tags', { classification: 'Quality', name: 'Gold' })
    expect(tag.status).toBe(201)
    expect(await tag.json()).toMatchObject({ fullyQualifiedName: 'Quality.Gold', classification: { type: 'classification', name: 'Quality' } })
    expect(await client().getTeam('ops')).toMatchObject({ users: [{ name: 'dave', displayName: 'Dave' }] })
    expect((await put('users', { email: 'x@example.com' })).status).toBe(400)
  })

  it("takes subscriptions in OpenMetadata's EventSubscription shape and the short one", async () => {
    const post = (body: unknown) => fetch(`${base}/api/v1/events/subscriptions`, { method: 'POST', headers: { ...bearer(tokens.admin), 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const om = await post({ name: 'om-style', alertType: 'Notification', resources: ['all'], enabled: true, destinations: [{ category: 'External', type: 'Webhook', config: { endpoint: 'http://127.0.0.1:9/hook', secretKey: 's3cret' } }] })
    expect(om.status).toBe(201)
    expect(await om.json()).toMatchObject({ name: 'om-style', enabled: true, destinations: [{ type: 'Webhook', config: { endpoint: 'http://127.0.0.1:9/hook', secretKey: '*********' } }] })
    expect((await post({ name: 'short', endpoint: 'http://127.0.0.1:9/other', secretKey: 'k', enabled: false })).status).toBe(201)
    expect((await post({ name: 'short', endpoint: 'http://127.0.0.1:9/other' })).status).toBe(409)
    expect((await post({ name: 'bad', endpoint: 'ftp://x' })).status).toBe(400)
    // Off the allowlist (another port, a look-alike host): refused with a coded error, nothing stored.
    for (const endpoint of ['http://127.0.0.1:10/hook', 'http://127.0.0.1.evil.example:9/hook', 'http://attacker.example/collect']) {
      const refused = await post({ name: 'exfiltrate', endpoint })
      expect(refused.status).toBe(403)
      expect(await refused.json()).toMatchObject({ code: 403, error: { code: 'SUBSCRIPTION_REFUSED' } })
    }
    const list = (await (await fetch(`${base}/api/v1/events/subscriptions`, { headers: bearer(tokens.admin) })).json()) as { data: { name: string; enabled: boolean }[]; paging: { total: number } }
    expect(list.data.map((s) => [s.name, s.enabled])).toEqual([['om-style', true], ['short', false]])
    expect(JSON.stringify(list)).not.toContain('s3cret')
  })

  it('takes the bot token (catalog.token) as an editor credential', async () => {
    const secured = await startApp(await configWith({ token: 'bot-token' }))
    try {
      const open = await fetch(`${secured.base}/api/v1/tables?limit=1`)
      expect(open.status).toBe(401)
      expect(await open.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } })
      const users = await fetch(`${secured.base}/api/v1/users`, { method: 'PUT', headers: { ...bearer('bot-token'), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'eve' }) })
      expect(users.status).toBe(403)
      const viaClient = new OpenMetadataClient({ url: secured.base, token: 'bot-token', retries: 0 })
      expect(await viaClient.listEvents(0)).toEqual([])
      expect((await failure(new OpenMetadataClient({ url: secured.base, token: 'wrong', retries: 0 }).listEvents(0))).code).toBe('CATALOG_AUTH')
    } finally {
      await secured.app.close()
    }
  })
})
