import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogRoutes } from '../../src/catalog/catalog-routes.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { accessFor, roleFor, routeAccess, type RouteAccess } from '../../src/server/auth/route-access.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { apiRoles, hashToken, TokenStore, type ApiRole } from '../../src/store/token-store.js'
import { SessionStore } from '../../src/store/session-store.js'
import { sqliteTarget } from '../store/store-support.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'
import { storeSnapshot } from '../support/store-snapshot.js'

/**
 * Every route the app registers (collected by an onRoute hook, so a route added later is in this
 * test by itself) is refused without a token, with a wrong or revoked one and with one of a lower
 * role, and let in with the role it needs. Only the signed webhook and sign-in take a request
 * without a token, and they too answer 401 unless it carries a valid signature, token or link.
 */
const target = sqliteTarget()
let app: FastifyInstance
let store: SqlStateStore
let tokens: RoleTokens
let revoked: string
const routes: { method: string; url: string }[] = []
const unlistedRoute = '/api/v1/revmeta/added-later'

/** What the routes must need, whatever the table says: the writes that reach databases or decide where changes go. */
const mustNeed: Record<string, RouteAccess> = {
  'GET /healthz': 'viewer',
  'POST /api/v1/revmeta/webhook': 'webhook',
  'GET /metrics': 'viewer',
  'GET /api/v1/revmeta/runs': 'viewer',
  'GET /api/v1/revmeta/dead-letters': 'viewer',
  'PATCH /api/v1/tables/:id': 'editor',
  'PUT /api/v1/users': 'admin',
  'PUT /api/v1/teams': 'admin',
  'POST /api/v1/events/subscriptions': 'admin',
  'GET /api/v1/events/subscriptions': 'admin',
  [`GET ${unlistedRoute}`]: 'admin',
  // The web app's API (issue 16): reads for viewers, runs for editors, what reaches every database or undoes runs for admins.
  'GET /api/v1/revmeta/services': 'viewer',
  'GET /api/v1/revmeta/runs/:id/rollback': 'viewer',
  'POST /api/v1/revmeta/sync/plan': 'editor',
  'POST /api/v1/revmeta/sync/apply': 'editor',
  'POST /api/v1/revmeta/template-preview': 'editor',
  'PUT /api/v1/revmeta/channels/:name': 'admin',
  'DELETE /api/v1/revmeta/channels/:name': 'admin',
  'PUT /api/v1/revmeta/channels/:name/schedule': 'admin',
  'POST /api/v1/revmeta/dead-letters/replay': 'admin',
  'POST /api/v1/revmeta/runs/:id/rollback': 'admin',
  'POST /api/v1/revmeta/session': 'sign-in',
  'GET /sign-in/:link': 'sign-in',
  'GET /': 'page',
  'GET /index.html': 'page',
}

/** Bodies a write would accept, so "changes nothing" is tested with requests that would change something. */
const realBodies: Record<string, unknown> = {
  'PUT /api/v1/users': { name: 'mallory', email: 'mallory@example.com' },
  'PUT /api/v1/teams': { name: 'intruders' },
  'PUT /api/v1/classifications': { name: 'Stolen' },
  'PUT /api/v1/revmeta/channels/:name': { services: ['wh'], sync: { descriptions: true } },
  'DELETE /api/v1/revmeta/channels/:name': undefined,
  'POST /api/v1/revmeta/dead-letters/replay': { ids: [1] },
}

const sample: Record<string, string> = { id: '00000000-0000-4000-8000-000000000000', fqn: 'wh.shop.sales.orders', name: 'alice' }

function requestFor(route: { method: string; url: string }, headers: Record<string, string> = {}): InjectOptions {
  const url = route.url.replace(/:(\w+)/g, (_m, key: string) => sample[key] ?? 'x') + (route.url === '/api/v1/events' ? '?timestamp=0' : '')
  const key = `${route.method} ${route.url}`
  const body: Partial<InjectOptions> =
    route.method === 'PATCH'
      ? { payload: JSON.stringify([{ op: 'add', path: '/description', value: 'defaced' }]), headers: { ...headers, 'content-type': 'application/json-patch+json' } }
      : route.method === 'PUT' || route.method === 'POST'
        ? { payload: JSON.stringify(key in realBodies ? realBodies[key] : { message: 'test' }), headers: { ...headers, 'content-type': 'application/json' } }
        : { headers }
  return { method: route.method as InjectOptions['method'], url, ...body }
}

beforeAll(async () => {
  await target.setup()
  store = await target.fresh()
  const config = await resolveConfig({ services: [{ name: 'wh', type: 'postgres', connection: { database: 'shop' } }] }, { source: 'test', baseDir: process.cwd(), env: {} })
  const later = async (scope: FastifyInstance) => {
    scope.get(unlistedRoute, async () => ({ ok: true }))
  }
  const collect = (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  }
  app = await buildApp({ config, store, metrics: new ServerMetrics(), log: () => {} }, [catalogRoutes({ selfSubscription: false, log: () => {} }), later], { onRoute: collect })
  await app.ready()
  tokens = await roleTokens(store, 'routes')
  const made = await TokenStore.of(store).create({ role: 'admin', name: 'gone' })
  await TokenStore.of(store).revoke('gone')
  revoked = made.token
})

afterAll(async () => {
  await app?.close()
  await target.teardown()
})

describe('every route needs the right token', () => {
  it('collects the routes of every plugin, the catalog included', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`)
    for (const key of Object.keys(mustNeed)) expect(keys).toContain(key)
    expect(routes.length).toBeGreaterThan(25)
  })

  it('gives every registered route an entry in the one access table, except the one added later, which is admin-only', () => {
    const appFile = (r: { method: string; url: string }) => r.method === 'GET' && (r.url === '/' || r.url === '/index.html' || r.url.startsWith('/assets/'))
    const unlisted = routes.filter((r) => r.method !== 'HEAD' && !routeAccess.has(`${r.method} ${r.url}`) && !appFile(r)).map((r) => `${r.method} ${r.url}`)
    expect(unlisted).toEqual([`GET ${unlistedRoute}`])
    for (const [key, access] of Object.entries(mustNeed)) {
      const [method, url] = key.split(' ') as [string, string]
      expect(accessFor(method, url), key).toBe(access)
    }
    // Nothing is open: only sign-in and the webhook skip the role check, and judge their own credential.
    const unchecked = routes.filter((r) => ['sign-in', 'webhook'].includes(accessFor(r.method, r.url))).map((r) => `${r.method} ${r.url}`)
    expect(unchecked.sort()).toEqual(['GET /sign-in/:link', 'HEAD /sign-in/:link', 'POST /api/v1/revmeta/session', 'POST /api/v1/revmeta/webhook', 'PUT /api/v1/revmeta/webhook'])
    // The web app's files are routes too, each needing a credential: the page and at least one asset.
    const assets = routes.filter((r) => r.method === 'GET' && r.url.startsWith('/assets/'))
    expect(assets.length, 'no /assets/ route: run npm run build so dist/web exists').toBeGreaterThan(0)
    for (const asset of assets) expect(accessFor('GET', asset.url)).toBe('viewer')
  })

  it('refuses every route but sign-in without a token, with a wrong, malformed or revoked one, or a dead session (401), changes nothing, and never echoes the token', async () => {
    const wrong = `rvm_${'A'.repeat(43)}`
    const ended = await SessionStore.of(store).create({ name: 'ended', role: 'admin' }, 60_000, (id) => `csrf-${id}`)
    await SessionStore.of(store).end(ended.id)
    const before = await storeSnapshot(store)
    let refused = 0
    for (const route of routes) {
      const access = accessFor(route.method, route.url)
      if (access === 'sign-in') continue
      const credentials: Record<string, string>[] = [{}, bearer(wrong), bearer('not-a-revmeta-token'), bearer(revoked), { authorization: `Basic ${tokens.admin}` }, { cookie: `revmeta_session=${ended.id}` }]
      for (const headers of credentials) {
        const response = await app.inject(requestFor(route, headers))
        expect(response.statusCode, `${route.method} ${route.url} ${JSON.stringify(headers)}`).toBe(401)
        expect(response.headers['set-cookie']).toBeUndefined()
        refused++
        if (route.method === 'HEAD') continue // no body to read
        expect(response.body).not.toContain(wrong)
        expect(response.body).not.toContain(tokens.admin)
        expect(response.body).not.toContain(revoked)
        // The page's 401 is the sign-in form (sign-in-page.test.ts); every other one is a coded error.
        if (access === 'page') {
          expect(response.headers['content-type']).toMatch(/^text\/html/)
          continue
        }
        const code = (response.json() as { error: { code: string } }).error.code
        expect(code).toBe(access === 'webhook' && (Object.keys(headers).length === 0 || 'cookie' in headers) ? 'WEBHOOK_SIGNATURE' : 'AUTH_REQUIRED')
      }
    }
    expect(refused).toBeGreaterThan(routes.length * 5)
    expect(await storeSnapshot(store)).toBe(before)
  })

  it('would notice a change: the same kind of request with the admin token writes to the store', async () => {
    const before = await storeSnapshot(store)
    const response = await app.inject(requestFor({ method: 'PUT', url: '/api/v1/users' }, bearer(tokens.admin)))
    expect(response.statusCode, response.body).toBeLessThan(300)
    expect(await storeSnapshot(store)).not.toBe(before)
  })

  it('refuses a lower role with 403 and lets the needed role and above in', async () => {
    let checked = 0
    for (const route of routes) {
      const access = accessFor(route.method, route.url)
      if (access === 'sign-in') continue
      const needed: ApiRole = roleFor(access)
      for (const role of apiRoles) {
        const response = await app.inject(requestFor(route, bearer(tokens[role])))
        const label = `${route.method} ${route.url} as ${role}`
        if (apiRoles.indexOf(role) < apiRoles.indexOf(needed)) {
          expect(response.statusCode, label).toBe(403)
          if (route.method !== 'HEAD') expect((response.json() as { error: { code: string } }).error.code, label).toBe('AUTH_FORBIDDEN')
        } else {
          expect([401, 403], label).not.toContain(response.statusCode)
          expect(response.statusCode, `${label}: ${response.body}`).toBeLessThan(500)
        }
        expect(response.body).not.toContain(tokens[role])
        checked++
      }
    }
    expect(checked).toBeGreaterThan(75)
  })

  it('answers /healthz to any role, saying nothing else, and 401 without a credential', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(401)
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: bearer(tokens.viewer) })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('tells only a request with a credential that its URL is malformed or too long; without one it is 401', async () => {
    const session = await SessionStore.of(store).create({ name: 'malformed', role: 'viewer' }, 60_000, (id) => `csrf-${id}`)
    for (const url of ['/api/v1/tables/%zz', '/api/v1/tables/name/%E0%A4%A', '/api/v1/revmeta/runs/%00', `/api/v1/tables/name/${'x'.repeat(5000)}`, '/sign-in/%zz']) {
      const anonymous = await app.inject({ method: 'GET', url })
      expect(anonymous.statusCode, url).toBe(401)
      expect(anonymous.json().error.code, url).toBe('AUTH_REQUIRED')
      // A bearer token or a session cookie (read here though Fastify refuses before the cookie plugin's hook).
      for (const headers of [bearer(tokens.viewer), { cookie: `revmeta_session=${session.id}` }]) {
        const told = await app.inject({ method: 'GET', url, headers })
        expect([400, 414], `${url} ${Object.keys(headers)[0]}`).toContain(told.statusCode)
      }
    }
  })

  it('answers 401 to odd methods and look-alike paths without a credential, whatever they would match', async () => {
    const odd: InjectOptions[] = [
      ...['OPTIONS', 'TRACE', 'SEARCH', 'PROPFIND', 'DELETE'].map((method) => ({ method: method as InjectOptions['method'], url: '/' })),
      ...['/healthz/', '//healthz', '/HEALTHZ', '/index.html/', '/assets/', '/assets/../index.html', '/%2e%2e/etc/passwd', '/sign-in/', '/sign-in', '/api/v1/revmeta/session/', '/*'].map((url) => ({ method: 'GET' as const, url })),
    ]
    for (const request of odd) {
      const response = await app.inject(request)
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(401)
      expect(response.headers['set-cookie']).toBeUndefined()
    }
  })

  it('needs a token for a URL that matches no route, then answers 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: bearer(tokens.viewer) })).statusCode).toBe(404)
  })

  it('records when a token was last used, and never lists the token or its hash', async () => {
    const list = await TokenStore.of(store).list()
    const viewer = list.find((t) => t.name === 'routes-viewer')!
    expect(viewer.lastUsedAt).toBeInstanceOf(Date)
    expect(list.find((t) => t.name === 'gone')!.revokedAt).toBeInstanceOf(Date)
    const shown = JSON.stringify(list)
    expect(shown).not.toContain(tokens.viewer)
    expect(shown).not.toContain(hashToken(tokens.viewer))
  })
})
