import { createHash } from 'node:crypto'
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { SessionStore } from '../../src/store/session-store.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { TokenStore } from '../../src/store/token-store.js'
import { sqliteTarget } from '../store/store-support.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'
import { storeSnapshot } from '../support/store-snapshot.js'

/**
 * The web app without a credential: its page answers 401 with a self-contained sign-in form (no
 * data, no asset, a CSP that allows only its own inline script and style by hash), its assets 401,
 * and sign-in itself 401 to whatever is not a valid token or link, writing nothing and setting no
 * cookie. With a token or a session the app is served as before.
 */
const target = sqliteTarget()
const serviceName = 'warehouse-7f3a'
let app: FastifyInstance
let store: SqlStateStore
let tokens: RoleTokens
let revoked: string

const inject = (options: InjectOptions) => app.inject(options)
const signIn = (payload: string | undefined, contentType = 'application/json') =>
  inject({ method: 'POST', url: '/api/v1/revmeta/session', ...(payload !== undefined ? { payload } : {}), headers: { 'content-type': contentType } })
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
const inline = (html: string, tag: 'script' | 'style') => [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!)
const sessionCookie = async (token: string) => String((await signIn(JSON.stringify({ token }))).headers['set-cookie']).split(';')[0]!
const assetUrls: string[] = []
const appAssets = () => assetUrls

beforeAll(async () => {
  await target.setup()
  store = await target.fresh()
  // Enough sign-in attempts for every hostile one here; the limit itself is app-api.test.ts's.
  const server = { session: { signInAttempts: 1000 } }
  const config = await resolveConfig({ server, services: [{ name: serviceName, type: 'postgres', connection: { database: 'shop' } }] }, { source: 'test', baseDir: process.cwd(), env: {} })
  const collect = (route: RouteOptions) => {
    if ([route.method].flat().includes('GET') && route.url.startsWith('/assets/')) assetUrls.push(route.url)
  }
  app = await buildApp({ config, store, metrics: new ServerMetrics(), log: () => {} }, [], { onRoute: collect })
  await app.ready()
  tokens = await roleTokens(store, 'page')
  revoked = (await TokenStore.of(store).create({ role: 'admin', name: 'page-gone' })).token
  await TokenStore.of(store).revoke('page-gone')
})

afterAll(async () => {
  await app?.close()
  await target.teardown()
})

describe('the web app without a credential', () => {
  it('answers / and /index.html with 401 and the sign-in page: a form, no data, nothing to fetch', async () => {
    for (const url of ['/', '/index.html', '/?next=%3Cscript%3E']) {
      const response = await inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(401)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      const html = response.body
      expect(html).toContain('<form id="sign-in" method="post" action="/api/v1/revmeta/session">')
      expect(html).toMatch(/<label for="token">API token<\/label>/)
      expect(html).not.toMatch(/\ssrc=|<link|<img|<iframe|@import|url\(/)
      expect(html).not.toContain(serviceName)
      expect(html).not.toContain('<script>alert')
      expect(html).not.toContain('id="root"')
    }
    expect((await inject({ method: 'HEAD', url: '/' })).statusCode).toBe(401)
  })

  it('sends a CSP that allows nothing but the page\'s own inline script and style, by hash', async () => {
    const response = await inject({ method: 'GET', url: '/' })
    const csp = String(response.headers['content-security-policy'])
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]))
    const [script, ...moreScripts] = inline(response.body, 'script')
    const [style, ...moreStyles] = inline(response.body, 'style')
    expect([moreScripts, moreStyles]).toEqual([[], []])
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': sha256(script!),
      'style-src': sha256(style!),
      'connect-src': "'self'",
      'form-action': "'self'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    })
    // The script reaches only the sign-in route, and writes what the server says as text, never as HTML.
    expect(script).not.toMatch(/innerHTML|eval\(|document\.write/)
    expect([...script!.matchAll(/fetch\('([^']+)'/g)].map((m) => m[1])).toEqual(['/api/v1/revmeta/session', '/api/v1/revmeta/session'])
  })

  it('gives the sign-in page for a wrong token or a dead session on the page, and 401 for every asset', async () => {
    const ended = await SessionStore.of(store).create({ name: 'ended', role: 'admin' }, 60_000, (id) => `csrf-${id}`)
    await SessionStore.of(store).end(ended.id)
    for (const headers of [bearer(revoked), bearer(`rvm_${'Z'.repeat(43)}`), { cookie: `revmeta_session=${ended.id}` }, { cookie: 'revmeta_session=' }]) {
      const response = await inject({ method: 'GET', url: '/', headers })
      expect(response.statusCode).toBe(401)
      expect(response.body).toContain('id="sign-in"')
    }
    const assets = appAssets()
    expect(assets.length, 'no /assets/ route: run npm run build so dist/web exists').toBeGreaterThan(0)
    for (const url of assets) {
      const response = await inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(401)
      expect(response.json().error.code).toBe('AUTH_REQUIRED')
    }
  })
})

describe('the web app with a credential', () => {
  it('serves the app and its assets to a session or a bearer token of any role', async () => {
    const cookie = await sessionCookie(tokens.viewer)
    for (const headers of [{ cookie }, bearer(tokens.viewer), bearer(tokens.admin)]) {
      const page = await inject({ method: 'GET', url: '/', headers })
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('<div id="root">')
      for (const url of appAssets()) expect((await inject({ method: 'GET', url, headers })).statusCode, url).toBe(200)
    }
  })
})

describe('sign-in answers 401 to anything but a valid token, and writes nothing', () => {
  it('refuses no body, a wrong media type, bad JSON, wrong shapes and wrong tokens alike', async () => {
    const before = await storeSnapshot(store)
    const attempts: [string | undefined, string?][] = [
      [undefined],
      ['', 'application/json'],
      [`token=${tokens.admin}`, 'application/x-www-form-urlencoded'],
      [tokens.admin, 'text/plain'],
      ['{"token":'],
      ['null'],
      ['[]'],
      [JSON.stringify({ token: '' })],
      [JSON.stringify({ token: 'x'.repeat(501) })],
      [JSON.stringify({ token: tokens.admin, role: 'admin' })],
      [JSON.stringify({ token: [tokens.admin] })],
      [JSON.stringify({ token: `rvm_${'Q'.repeat(43)}` })],
      [JSON.stringify({ token: revoked })],
      [JSON.stringify({ token: `${tokens.admin}\u0000` })],
      [JSON.stringify({ token: `${tokens.admin} ` })],
      // Unquoted: JSON.parse's own message would quote the token's first characters.
      [`{"token": ${tokens.admin}}`],
      [`{"token": "${tokens.admin}"`],
    ]
    for (const [payload, type] of attempts) {
      const response = await signIn(payload, type)
      const label = `${type ?? 'json'} ${payload?.slice(0, 30)}`
      expect(response.statusCode, label).toBe(401)
      expect(response.json().error.code, label).toBe('AUTH_REQUIRED')
      expect(response.headers['set-cookie'], label).toBeUndefined()
      expect(response.body).not.toContain(tokens.admin.slice(4, 9))
    }
    expect(await storeSnapshot(store)).toBe(before)
    // The same route with a valid token does write a session: the snapshot would have seen it.
    expect((await signIn(JSON.stringify({ token: tokens.editor }))).statusCode).toBe(200)
    expect(await storeSnapshot(store)).not.toBe(before)
  })

  it('refuses an unknown, used, expired, malformed or over-long link with the sign-in page saying why', async () => {
    const sessions = SessionStore.of(store)
    const used = await sessions.createLink({ name: 'once', role: 'viewer' }, 60_000)
    expect((await inject({ method: 'GET', url: `/sign-in/${used}` })).statusCode).toBe(302)
    const expired = await sessions.createLink({ name: 'late', role: 'admin' }, -1)
    const before = await storeSnapshot(store)
    for (const link of [used, expired, `rvl_${'A'.repeat(43)}`, 'A'.repeat(43), `rvl_${'A'.repeat(300)}`, 'rvl_%00', `${used}%00`, 'x'.repeat(3000), '%zz']) {
      const response = await inject({ method: 'GET', url: `/sign-in/${link}` })
      expect(response.statusCode, link.slice(0, 40)).toBe(401)
      expect(response.headers['set-cookie']).toBeUndefined()
      if (response.headers['content-type']?.toString().startsWith('text/html')) expect(response.body).toContain('This sign-in link is unknown, used already, or expired.')
      else expect(response.json().error.code).toBe('AUTH_REQUIRED')
    }
    expect(await storeSnapshot(store)).toBe(before)
  })
})

describe('/healthz and the page under server.auth none', () => {
  it('answers without a credential only when auth is none (loopback)', async () => {
    const open = await target.fresh()
    const config = await resolveConfig({ server: { auth: 'none', host: '127.0.0.1' }, services: [{ name: serviceName, type: 'postgres', connection: { database: 'shop' } }] }, { source: 'test', baseDir: process.cwd(), env: {} })
    const none = await buildApp({ config, store: open, metrics: new ServerMetrics(), log: () => {} })
    try {
      expect((await none.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
      const page = await none.inject({ method: 'GET', url: '/' })
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('<div id="root">')
    } finally {
      await none.close()
    }
  })
})
