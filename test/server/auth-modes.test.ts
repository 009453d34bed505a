import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogRoutes } from '../../src/catalog/catalog-routes.js'
import type { CatalogService } from '../../src/catalog/catalog-service.js'
import { selfSubscriptionName } from '../../src/catalog/self-subscription.js'
import { endpointAllowed } from '../../src/catalog/subscription-allowlist.js'
import { isLoopbackHost } from '../../src/config/loopback-host.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { signWebhookBody } from '../../src/openmetadata/webhook-signature.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { webhookPath } from '../../src/http/webhook-path.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { sqliteTarget } from '../store/store-support.js'
import { bearer, roleTokens } from '../support/api-tokens.js'
import { seedDirectory, seedEntities } from '../catalog/catalog-seed.js'

const target = sqliteTarget()
const services = [{ name: 'wh', type: 'postgres', connection: { database: 'shop' } }]
const configWith = (tree: Record<string, unknown>) => resolveConfig({ ...tree, services }, { source: 'test', baseDir: process.cwd(), env: {} })
const apps: FastifyInstance[] = []

beforeAll(() => target.setup())
afterAll(async () => {
  for (const app of apps) await app.close()
  await target.teardown()
})

async function refusal(promise: Promise<unknown>): Promise<RevmetaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RevmetaError)
  return error as RevmetaError
}

describe('server.auth', () => {
  it('refuses auth: none unless the server binds to loopback only', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      const error = await refusal(configWith({ server: { host, auth: 'none' } }))
      expect(error.code).toBe('CONFIG_INVALID')
      expect(error.message).toContain('server.auth')
    }
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost']) {
      expect((await configWith({ server: { host, auth: 'none' } })).server.auth).toBe('none')
    }
    expect((await configWith({})).server.auth).toBe('token')
    expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true)
    expect(isLoopbackHost('128.0.0.1')).toBe(false)
  })

  it('with auth: none on loopback, answers without a token (as admin)', async () => {
    const store = await target.fresh()
    const app = await buildApp({ config: await configWith({ server: { host: '127.0.0.1', auth: 'none' } }), store, metrics: new ServerMetrics(), log: () => {} })
    apps.push(app)
    expect((await app.inject({ method: 'GET', url: '/api/v1/revmeta/runs' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200)
  })
})

describe('subscription allowlist', () => {
  it('matches origin and path on their boundaries', () => {
    const allow = ['http://hooks.example:8080/revmeta', 'https://relay.example/']
    expect(endpointAllowed('http://hooks.example:8080/revmeta', allow)).toBe(true)
    expect(endpointAllowed('http://hooks.example:8080/revmeta/in', allow)).toBe(true)
    expect(endpointAllowed('https://relay.example/anything', allow)).toBe(true)
    expect(endpointAllowed('http://hooks.example:8080/revmeta-evil', allow)).toBe(false)
    expect(endpointAllowed('http://hooks.example:8081/revmeta', allow)).toBe(false)
    expect(endpointAllowed('https://hooks.example:8080/revmeta', allow)).toBe(false)
    expect(endpointAllowed('https://relay.example.evil.example/', allow)).toBe(false)
    expect(endpointAllowed('https://user:pw@relay.example/', allow)).toBe(false)
    expect(endpointAllowed('not a url', allow)).toBe(false)
  })
})

describe('the built-in catalog without catalog.webhookSecret', () => {
  let app: FastifyInstance
  let catalog: CatalogService
  let store: SqlStateStore
  let base: string

  beforeAll(async () => {
    store = await target.fresh()
    const config = await configWith({ server: { host: '127.0.0.1', port: 0 } })
    app = await buildApp({ config, store, metrics: new ServerMetrics(), log: () => {} }, [catalogRoutes({ log: () => {}, onCatalog: (c) => (catalog = c) })])
    apps.push(app)
    base = await app.listen({ host: '127.0.0.1', port: 0 })
    await seedDirectory(catalog)
    await seedEntities(catalog, ['orders'])
    await catalog.deliveriesIdle()
  })

  it('subscribes its own webhook with a secret of its own, so its deliveries are signed', async () => {
    let subscription = await catalog.subscriptions.get(selfSubscriptionName).catch(() => undefined)
    for (let i = 0; i < 100 && subscription === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20))
      subscription = await catalog.subscriptions.get(selfSubscriptionName).catch(() => undefined)
    }
    expect(subscription?.endpoint).toBe(`${base}${webhookPath}`)
    expect(subscription?.secret).toMatch(/^[\w-]{40,}$/)
  })

  it('refuses an outsider: unsigned, signed with a guess, or with a viewer token', async () => {
    const body = JSON.stringify({ message: 'test' })
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: webhookPath, payload: body, headers: { 'content-type': 'application/json', ...headers } })
    expect((await post({})).statusCode).toBe(401)
    expect((await post({ 'x-om-signature': signWebhookBody(body, 'guess') })).statusCode).toBe(401)
    const tokens = await roleTokens(store, 'modes')
    expect((await post(bearer(tokens.viewer))).statusCode).toBe(403)
    expect((await post(bearer(tokens.editor))).statusCode).toBe(200)
  })

  it('accepts its own signed deliveries (an edit through the API reaches the intake), and sends nothing to a stored subscription off the allowlist', async () => {
    let outsiderHits = 0
    const outsider = createServer((_req, res) => {
      outsiderHits++
      res.end('{}')
    })
    await new Promise<void>((r) => outsider.listen(0, '127.0.0.1', r))
    // As if made before the allowlist existed: straight into the store, not through the API.
    await catalog.subscriptions.create({ name: 'legacy', endpoint: `http://127.0.0.1:${(outsider.address() as AddressInfo).port}/collect` })
    const tokens = await roleTokens(store, 'edit')
    const table = (await (await fetch(`${base}/api/v1/tables/name/wh.shop.sales.orders`, { headers: bearer(tokens.viewer) })).json()) as { id: string }
    const patched = await fetch(`${base}/api/v1/tables/${table.id}`, { method: 'PATCH', headers: { ...bearer(tokens.editor), 'content-type': 'application/json-patch+json' }, body: JSON.stringify([{ op: 'add', path: '/description', value: 'Orders, signed' }]) })
    expect(patched.status).toBe(200)
    expect(((await patched.json()) as { updatedBy: string }).updatedBy).toBe('edit-editor')
    await catalog.deliveriesIdle()
    const runner = store.sqlRunner
    // The store keeps no raw event payload (issue 17): the delivery shows as a webhook event, and as the operation planned from it.
    const s = runner.dialect.tables(store.schema)
    const [events] = await runner.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${s}.events WHERE source = 'webhook'`)
    expect(Number(events!.n)).toBeGreaterThan(0)
    const ops = await runner.query<{ payload: string }>(`SELECT CAST(payload AS text) AS payload FROM ${s}.operations`)
    expect(ops.map((r) => r.payload).join('\n')).toContain('Orders, signed')
    expect(outsiderHits).toBe(0)
    await new Promise((r) => outsider.close(r))
    const rejected = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(tokens.viewer) })
    // Only the outsider's guess above was refused; every delivery of the catalog itself passed.
    expect(rejected.body).toMatch(/revmeta_webhook_rejected_total\{reason="bad signature"\} 1\n/)
    expect(rejected.body).toMatch(/revmeta_events_received_total\{source="webhook",outcome="new"\} [1-9]/)
  })
})
