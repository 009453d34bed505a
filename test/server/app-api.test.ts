import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCatalogBackend } from '../../src/catalogs/registry.js'
import type { CatalogBackend } from '../../src/catalogs/catalog-backend.js'
import { LiveConfig } from '../../src/config/live-config.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { errorCodes } from '../../src/errors/codes.js'
import { Worker } from '../../src/execution/worker.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import type { RequestLine } from '../../src/server/request-log.js'
import { openStore } from '../../src/store/open-store.js'
import { SessionStore } from '../../src/store/session-store.js'
import type { StateStore } from '../../src/store/state-store.js'
import { TokenStore } from '../../src/store/token-store.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'
import { createTempDatabase, readDescription, type TempDatabase } from '../support/postgres-server.js'
import { until } from '../support/until.js'

/**
 * The web app's API against a serve-like wiring (built-in catalog, live channels, a worker) over
 * the local PostgreSQL: sessions and CSRF, catalog edits seen in runs with their statements and
 * audit, a failure with its fix text replayed after the fix, rollback, channels and schedules,
 * template preview, Run Now. Route access by role is route-auth.test.ts's (every route).
 */
let pg: TempDatabase
let dir: string
let store: StateStore
let app: FastifyInstance
let live: LiveConfig
let backend: CatalogBackend
let tokens: RoleTokens
const stop = new AbortController()
let working: Promise<void>
const secrets = ['app-api-webhook-secret']
const requestLines: RequestLine[] = []

async function call(options: InjectOptions) {
  const response = await app.inject(options)
  for (const secret of [...secrets, ...Object.values(tokens)]) expect(response.body, `${options.method} ${options.url}`).not.toContain(secret)
  return response
}
const as = (role: keyof RoleTokens, method: InjectOptions['method'], url: string, payload?: unknown) =>
  call({ method, url, headers: { ...bearer(tokens[role]), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) })

interface Session {
  cookie: string
  csrf: string
}

async function signIn(token: string): Promise<Session> {
  const response = await call({ method: 'POST', url: '/api/v1/revmeta/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token }) })
  expect(response.statusCode, response.body).toBe(200)
  const setCookie = String(response.headers['set-cookie'])
  return { cookie: setCookie.split(';')[0]!, csrf: response.json().csrf }
}

const tableFqn = () => `pg.${pg.name}.sales.orders`
const patchColumn = async (session: Session, column: string, description: string) => {
  const table = (await as('viewer', 'GET', `/api/v1/tables/name/${tableFqn()}?fields=columns`)).json()
  const index = table.columns.findIndex((c: { name: string }) => c.name === column)
  return call({
    method: 'PATCH',
    url: `/api/v1/tables/${table.id}`,
    headers: { cookie: session.cookie, 'x-revmeta-csrf': session.csrf, 'content-type': 'application/json-patch+json' },
    payload: JSON.stringify([{ op: 'add', path: `/columns/${index}/description`, value: description }]),
  })
}
/** The newest run's operation on an asset and kind, once settled. */
async function settledOperation(asset: string, kind = 'description') {
  return until(
    async () => {
      const { runs } = (await as('viewer', 'GET', '/api/v1/revmeta/runs?limit=5')).json()
      for (const run of runs) {
        const detail = (await as('viewer', 'GET', `/api/v1/revmeta/runs/${run.id}`)).json()
        const op = detail.operations.find((o: { asset: string; kind: string }) => o.asset === asset && o.kind === kind)
        if (op) return { run: detail.run, ...op }
      }
      return undefined
    },
    (op) => op !== undefined && op.status !== 'queued',
  )
}

beforeAll(async () => {
  pg = await createTempDatabase('rm_appapi')
  await pg.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.orders (id int, status text, note text); COMMENT ON COLUMN sales.orders.status IS 'from the source'`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-app-api-'))
  const config = await resolveConfig(
    {
      catalog: { type: 'builtin', webhookSecret: secrets[0] },
      server: { host: '127.0.0.1', port: 0, session: { ttlMs: 60_000, signInAttempts: 30, signInWindowMs: 60_000 } },
      services: [{ name: 'pg', type: 'postgres', connection: { database: pg.name } }],
      channels: [{ name: 'docs', sync: { descriptions: true, tags: false, owners: false } }],
    },
    { source: 'test', baseDir: dir, env: {} },
  )
  store = await openStore(config.store)
  tokens = await roleTokens(store, 'app')
  live = new LiveConfig(config)
  backend = await loadCatalogBackend('builtin')
  const worker = new Worker(store, live.config, { signal: stop.signal, log: () => {} })
  app = await buildApp({ config: live.config, live, catalogBackend: backend, store, metrics: new ServerMetrics(), log: () => {}, onQueued: () => worker.nudge() }, await backend.routePlugins(), { requestLog: (line) => requestLines.push(line) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  working = worker.run()
  await backend.ingest!(live.config, store, { services: ['pg'], log: () => {} })
}, 180_000)

afterAll(async () => {
  stop.abort()
  await app?.close()
  await working
  await store?.close()
  await pg?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('sign-in and sessions', () => {
  it('exchanges a token for an HTTP-only, SameSite=Strict cookie; the session acts with the token\'s name and role', async () => {
    const response = await call({ method: 'POST', url: '/api/v1/revmeta/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: tokens.editor }) })
    expect(response.statusCode).toBe(200)
    const cookie = String(response.headers['set-cookie'])
    expect(cookie).toMatch(/^revmeta_session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
    expect(cookie).not.toContain(tokens.editor)
    expect(response.json()).toMatchObject({ name: 'app-editor', role: 'editor' })
    const me = await call({ method: 'GET', url: '/api/v1/revmeta/session', headers: { cookie: cookie.split(';')[0]! } })
    expect(me.json()).toMatchObject({ name: 'app-editor', role: 'editor', via: 'session', csrf: response.json().csrf })
  })

  it('refuses a state-changing request under a session without the CSRF token, or with another session\'s', async () => {
    const a = await signIn(tokens.admin)
    const b = await signIn(tokens.admin)
    const url = '/api/v1/revmeta/channels/csrf-probe/schedule'
    for (const csrf of [undefined, b.csrf, 'x']) {
      const response = await call({ method: 'PUT', url, headers: { cookie: a.cookie, 'content-type': 'application/json', ...(csrf ? { 'x-revmeta-csrf': csrf } : {}) }, payload: JSON.stringify({ cron: null }) })
      expect(response.statusCode).toBe(403)
      expect(response.json().error.code).toBe('SESSION_CSRF')
    }
    // With its own token the request goes through to the route (404: no such channel).
    const ok = await call({ method: 'PUT', url, headers: { cookie: a.cookie, 'x-revmeta-csrf': a.csrf, 'content-type': 'application/json' }, payload: JSON.stringify({ cron: null }) })
    expect(ok.json().error.code).toBe('CHANNEL_NOT_FOUND')
  })

  it('a session has its role: a viewer\'s session cannot replay', async () => {
    const viewer = await signIn(tokens.viewer)
    const response = await call({ method: 'POST', url: '/api/v1/revmeta/dead-letters/replay', headers: { cookie: viewer.cookie, 'x-revmeta-csrf': viewer.csrf, 'content-type': 'application/json' }, payload: '{}' })
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('AUTH_FORBIDDEN')
  })

  it('signs out: the cookie is cleared and no longer works', async () => {
    const s = await signIn(tokens.viewer)
    const out = await call({ method: 'DELETE', url: '/api/v1/revmeta/session', headers: { cookie: s.cookie, 'x-revmeta-csrf': s.csrf } })
    expect(out.statusCode).toBe(200)
    expect(String(out.headers['set-cookie'])).toMatch(/revmeta_session=;/)
    const after = await call({ method: 'GET', url: '/api/v1/revmeta/runs', headers: { cookie: s.cookie } })
    expect(after.statusCode).toBe(401)
  })

  it('a session ends with its token\'s revocation and at its expiry', async () => {
    const made = await TokenStore.of(store).create({ role: 'viewer', name: 'short-lived' })
    const s = await signIn(made.token)
    expect((await call({ method: 'GET', url: '/api/v1/revmeta/runs', headers: { cookie: s.cookie } })).statusCode).toBe(200)
    await TokenStore.of(store).revoke('short-lived')
    expect((await call({ method: 'GET', url: '/api/v1/revmeta/runs', headers: { cookie: s.cookie } })).statusCode).toBe(401)
    const sessions = SessionStore.of(store)
    const { id } = await sessions.create({ name: 'brief', role: 'viewer' }, 1, (x) => `csrf-${x}`)
    await new Promise((r) => setTimeout(r, 20))
    expect((await call({ method: 'GET', url: '/api/v1/revmeta/runs', headers: { cookie: `revmeta_session=${id}` } })).statusCode).toBe(401)
  })

  it('a one-time sign-in link works once, then answers 401', async () => {
    const link = await SessionStore.of(store).createLink({ name: 'newcomer', role: 'admin' }, 60_000)
    // A link preview's HEAD leaves the link usable and starts no session.
    const preview = await call({ method: 'HEAD', url: `/sign-in/${link}` })
    expect(preview.statusCode).toBe(200)
    expect(preview.headers['set-cookie']).toBeUndefined()
    const first = await call({ method: 'GET', url: `/sign-in/${link}` })
    expect(first.statusCode).toBe(302)
    expect(first.headers.location).toBe('/')
    expect(String(first.headers['set-cookie'])).toContain('HttpOnly')
    const second = await call({ method: 'GET', url: `/sign-in/${link}` })
    expect(second.statusCode).toBe(401)
  })

  it('refuses a wrong token with 401 and, past the configured attempts, limits the address with 429 SIGN_IN_LIMITED', async () => {
    const attempt = (token: string) => call({ method: 'POST', url: '/api/v1/revmeta/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token }), remoteAddress: '10.9.8.7' })
    const wrong = await attempt(`rvm_${'B'.repeat(43)}`)
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error.code).toBe('AUTH_REQUIRED')
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await attempt(`rvm_${'C'.repeat(43)}`)).statusCode)
    expect(statuses.slice(-2)).toEqual([429, 429])
    const limited = await attempt(tokens.admin)
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('SIGN_IN_LIMITED')
  })

  it('refuses a malformed sign-in body with 401 AUTH_REQUIRED, saying what is wrong', async () => {
    const response = await call({ method: 'POST', url: '/api/v1/revmeta/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: 42, extra: true }) })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('AUTH_REQUIRED')
    expect(response.json().error.message).toMatch(/^Sign-in refused: .*token/)
  })
})

describe('request log', () => {
  it('writes one line per request: route pattern (not the URL or query), status, time and who, never a token or cookie', async () => {
    const before = requestLines.length
    await as('viewer', 'GET', `/api/v1/revmeta/runs?service=${encodeURIComponent("o'hara")}`)
    await call({ method: 'GET', url: '/api/v1/revmeta/runs' })
    const lines = requestLines.slice(before)
    expect(lines).toEqual([
      { req: { method: 'GET', route: '/api/v1/revmeta/runs' }, res: { statusCode: 200 }, ms: expect.any(Number), user: 'app-viewer' },
      { req: { method: 'GET', route: '/api/v1/revmeta/runs' }, res: { statusCode: 401 }, ms: expect.any(Number) },
    ])
    expect(JSON.stringify(requestLines)).not.toContain('hara')
    for (const token of Object.values(tokens)) expect(JSON.stringify(requestLines)).not.toContain(token)
  })
})

describe('runs, dead letters and rollback', () => {
  it('an edit in the catalog lands in PostgreSQL and shows in its run with the statement, the values before and after', async () => {
    const editor = await signIn(tokens.editor)
    expect((await patchColumn(editor, 'status', "placed or 'paid'")).statusCode).toBe(200)
    await until(() => readDescription(pg.client, 'sales.orders', 'status'), (d) => d === "placed or 'paid'")
    const op = await settledOperation(`${tableFqn()}.status`)
    expect(op).toMatchObject({ status: 'applied', channel: 'docs', statements: [`COMMENT ON COLUMN "sales"."orders"."status" IS 'placed or ''paid'''`], attempts: 1 })
    expect(op.audit).toEqual([expect.objectContaining({ before: 'from the source', after: "placed or 'paid'", outcome: 'applied' })])
    expect(op.run.mode).toBe('webhook')
  })

  it('filters runs by state, service and channel', async () => {
    const all = (await as('viewer', 'GET', '/api/v1/revmeta/runs')).json().runs
    expect(all.length).toBeGreaterThan(0)
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs?service=pg')).json().runs.length).toBe(all.length)
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs?service=elsewhere')).json().runs).toEqual([])
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs?channel=docs')).json().runs.length).toBe(all.length)
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs?channel=doc')).json().runs).toEqual([])
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs?state=failed')).json().runs).toEqual([])
    const bad = await as('viewer', 'GET', '/api/v1/revmeta/runs?state=exploded')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('REQUEST_INVALID')
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs/999999')).json().error.code).toBe('RUN_NOT_FOUND')
    expect((await as('viewer', 'GET', '/api/v1/revmeta/runs/abc')).statusCode).toBe(400)
  })

  it('a dropped column fails with its code and the catalogue\'s fix; after the fix, replay applies it', async () => {
    const editor = await signIn(tokens.editor)
    await pg.client.query('ALTER TABLE sales.orders DROP COLUMN note')
    expect((await patchColumn(editor, 'note', 'free text')).statusCode).toBe(200)
    const failed = await settledOperation(`${tableFqn()}.note`)
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'OBJECT_NOT_FOUND' }, fix: errorCodes.OBJECT_NOT_FOUND.fix })
    const run = (await as('viewer', 'GET', '/api/v1/revmeta/runs?state=failed')).json().runs
    expect(run.map((r: { id: number }) => r.id)).toContain(failed.run.id)

    const dead = (await as('viewer', 'GET', '/api/v1/revmeta/dead-letters')).json()
    expect(dead.groups).toEqual([expect.objectContaining({ code: 'OBJECT_NOT_FOUND', count: 1, ids: [failed.storeId], fix: errorCodes.OBJECT_NOT_FOUND.fix })])

    await pg.client.query('ALTER TABLE sales.orders ADD COLUMN note text')
    const replayed = await as('admin', 'POST', '/api/v1/revmeta/dead-letters/replay', { ids: [failed.storeId] })
    expect(replayed.json()).toMatchObject({ requeued: 1 })
    await until(() => readDescription(pg.client, 'sales.orders', 'note'), (d) => d === 'free text')
    expect(await readDescription(pg.client, 'sales.orders', 'note')).toBe('free text')
    const detail = await until(() => as('viewer', 'GET', `/api/v1/revmeta/runs/${replayed.json().runId}`).then((r) => r.json()), (d) => d.progress.finished)
    expect(detail).toMatchObject({ run: { mode: 'replay' }, progress: { settled: 1, total: 1, finished: true }, operations: [expect.objectContaining({ status: 'applied' })] })
    expect((await as('viewer', 'GET', '/api/v1/revmeta/dead-letters')).json().groups).toEqual([])
    // Nothing to replay any more: an empty replay run, closed at once.
    expect((await as('admin', 'POST', '/api/v1/revmeta/dead-letters/replay', {})).json()).toMatchObject({ requeued: 0 })
    expect((await as('admin', 'POST', '/api/v1/revmeta/dead-letters/replay', { ids: [-1] })).statusCode).toBe(400)
  })

  it('previews a rollback (what will be restored), then restores it on confirmation', async () => {
    const op = await settledOperation(`${tableFqn()}.status`)
    const preview = (await as('viewer', 'GET', `/api/v1/revmeta/runs/${op.run.id}/rollback`)).json()
    expect(preview.restore).toEqual([expect.objectContaining({ asset: `${tableFqn()}.status`, kind: 'description', current: "placed or 'paid'", restore: 'from the source' })])
    expect(await readDescription(pg.client, 'sales.orders', 'status')).toBe("placed or 'paid'")
    const done = (await as('admin', 'POST', `/api/v1/revmeta/runs/${op.run.id}/rollback`)).json()
    expect(done).toMatchObject({ restoring: 1, skipped: 0 })
    await until(() => readDescription(pg.client, 'sales.orders', 'status'), (d) => d === 'from the source')
    expect(await readDescription(pg.client, 'sales.orders', 'status')).toBe('from the source')
    expect((await as('viewer', 'GET', `/api/v1/revmeta/runs/${done.runId}`)).json().run.mode).toBe('rollback')
  })
})

describe('services', () => {
  it('lists each service with its engine, channels, catalog assets and last run', async () => {
    const { services } = (await as('viewer', 'GET', '/api/v1/revmeta/services')).json()
    expect(services).toEqual([expect.objectContaining({ name: 'pg', engine: 'postgres', tier: 'live', channels: ['docs'], assets: { databases: 1, schemas: 2, tables: 1, columns: 3 } })])
    expect(services[0].lastRun.runId).toBeGreaterThan(0)
  })

  it('checks the connection live, and names an unknown service', async () => {
    expect((await as('viewer', 'GET', '/api/v1/revmeta/services/pg/check')).json()).toMatchObject({ service: 'pg', engine: 'postgres', ok: true, connected: true })
    const unknown = await as('viewer', 'GET', '/api/v1/revmeta/services/nope/check')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.code).toBe('UNKNOWN_SERVICE')
  })
})

describe('channels, schedules and template preview', () => {
  it('lists the YAML channel read-only and refuses to change or delete it', async () => {
    const { channels } = (await as('viewer', 'GET', '/api/v1/revmeta/channels')).json()
    expect(channels).toEqual([expect.objectContaining({ name: 'docs', source: 'yaml', readOnly: true, schedule: null })])
    expect(channels[0].channel).not.toHaveProperty('compiled')
    for (const response of [await as('admin', 'PUT', '/api/v1/revmeta/channels/docs', { sync: { tags: true } }), await as('admin', 'DELETE', '/api/v1/revmeta/channels/docs')]) {
      expect(response.statusCode).toBe(409)
      expect(response.json().error.code).toBe('CHANNEL_READ_ONLY')
    }
  })

  it('refuses an invalid channel with the template error at its position, and keeps nothing', async () => {
    const response = await as('admin', 'PUT', '/api/v1/revmeta/channels/broken', { templates: { description: 'COMMENT ON TABLE {ident(table} IS {description}' } })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toMatchObject({ code: 'TEMPLATE_INVALID', details: { line: 1 } })
    expect(response.json().error.details.column).toBeGreaterThan(20)
    const unknownService = await as('admin', 'PUT', '/api/v1/revmeta/channels/broken', { services: ['nope'] })
    expect(unknownService.json().error.code).toBe('CONFIG_INVALID')
    const extraKey = await as('admin', 'PUT', '/api/v1/revmeta/channels/broken', { sync: { everything: true } })
    expect(extraKey.json().error.code).toBe('CONFIG_INVALID')
    // Hostile shapes: a body that is not an object, a name that would break operation keys or URLs, a body naming another channel.
    expect((await as('admin', 'PUT', '/api/v1/revmeta/channels/broken', [])).json().error.code).toBe('REQUEST_INVALID')
    expect((await as('admin', 'PUT', '/api/v1/revmeta/channels/broken', 'text')).json().error.code).toBe('REQUEST_INVALID')
    for (const name of ['a|b', '-lead', 'x'.repeat(65), ' space']) {
      const response = await as('admin', 'PUT', `/api/v1/revmeta/channels/${encodeURIComponent(name)}`, {})
      expect(response.statusCode, name).toBe(400)
      expect(response.json().error.code, name).toBe('REQUEST_INVALID')
    }
    expect((await as('admin', 'PUT', '/api/v1/revmeta/channels/%00', {})).statusCode).toBe(400)
    expect((await as('viewer', 'GET', '/api/v1/revmeta/channels')).json().channels.map((c: { name: string }) => c.name)).toEqual(['docs'])
  })

  it('saves under the name of the path, whatever name the body gives', async () => {
    const saved = await as('admin', 'PUT', '/api/v1/revmeta/channels/renamed', { name: 'docs', sync: { descriptions: false, tags: true, owners: false } })
    expect(saved.statusCode, saved.body).toBe(200)
    expect(saved.json().channel.name).toBe('renamed')
    const listed = (await as('viewer', 'GET', '/api/v1/revmeta/channels')).json().channels
    expect(listed.map((c: { name: string; source: string }) => `${c.name}:${c.source}`)).toEqual(['docs:yaml', 'renamed:app'])
    expect((await as('admin', 'DELETE', '/api/v1/revmeta/channels/renamed')).statusCode).toBe(200)
  })

  it('renders a live preview for an asset, and shows a template error with its line and column', async () => {
    const ok = (await as('editor', 'POST', '/api/v1/revmeta/template-preview', { channel: { templates: { description: 'COMMENT ON COLUMN {ident(schema)}.{ident(table)}.{ident(column)} IS {description}' } }, asset: `${tableFqn()}.status`, value: "it's" })).json()
    expect(ok).toMatchObject({ ok: true, statements: [`COMMENT ON COLUMN "sales"."orders"."status" IS 'it''s'`] })
    const bad = (await as('editor', 'POST', '/api/v1/revmeta/template-preview', { channel: { templates: { description: 'COMMENT ON\n  TABLE {nope} IS {description}' } }, asset: tableFqn() })).json()
    expect(bad).toMatchObject({ ok: false, error: { code: 'TEMPLATE_INVALID', details: { line: 2 } } })
    const filtered = (await as('editor', 'POST', '/api/v1/revmeta/template-preview', { channel: { filter: { levels: ['table'] } }, asset: `${tableFqn()}.status` })).json()
    expect(filtered).toMatchObject({ ok: false, filtered: expect.any(String) })
    expect((await as('editor', 'POST', '/api/v1/revmeta/template-preview', { channel: {}, asset: 'pg' })).json()).toMatchObject({ ok: false, error: { code: 'FQN_INVALID' } })
  })

  it('a channel made in the app takes effect at once for the webhook, and is deleted again', async () => {
    const saved = await as('admin', 'PUT', '/api/v1/revmeta/channels/app-docs', { services: ['pg'], sync: { descriptions: true, tags: false, owners: false }, filter: { levels: ['column'] } })
    expect(saved.statusCode, saved.body).toBe(200)
    const listed = (await as('viewer', 'GET', '/api/v1/revmeta/channels')).json().channels
    expect(listed.find((c: { name: string }) => c.name === 'app-docs')).toMatchObject({ source: 'app', readOnly: false, updatedBy: 'app-admin' })
    const editor = await signIn(tokens.editor)
    await patchColumn(editor, 'id', 'the key')
    const op = await until(
      async () => {
        const { runs } = (await as('viewer', 'GET', '/api/v1/revmeta/runs?channel=app-docs')).json()
        return runs.length > 0 ? (await as('viewer', 'GET', `/api/v1/revmeta/runs/${runs[0].id}`)).json().operations.find((o: { channel: string }) => o.channel === 'app-docs') : undefined
      },
      (o) => o !== undefined && o.status !== 'queued',
    )
    expect(op).toMatchObject({ channel: 'app-docs', asset: `${tableFqn()}.id` })
    expect((await as('admin', 'DELETE', '/api/v1/revmeta/channels/app-docs')).statusCode).toBe(200)
    expect(live.config.channels.map((c) => c.name)).toEqual(['docs'])
    expect((await as('admin', 'DELETE', '/api/v1/revmeta/channels/app-docs')).json().error.code).toBe('CHANNEL_NOT_FOUND')
  })

  it('keeps a cron schedule per channel and refuses one that is not cron', async () => {
    const bad = await as('admin', 'PUT', '/api/v1/revmeta/channels/docs/schedule', { cron: 'every day at three' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('SCHEDULE_INVALID')
    expect((await as('admin', 'PUT', '/api/v1/revmeta/channels/docs/schedule', { cron: '0 3 * * *' })).json()).toEqual({ channel: 'docs', schedule: '0 3 * * *' })
    expect((await as('viewer', 'GET', '/api/v1/revmeta/channels')).json().channels[0].schedule).toBe('0 3 * * *')
    expect((await as('admin', 'PUT', '/api/v1/revmeta/channels/docs/schedule', { cron: null })).json().schedule).toBeNull()
  })
})

describe('Run Now', () => {
  it('plans the drift per object (current vs desired, exact statement) without writing, then applies it on confirmation', async () => {
    await pg.client.query(`COMMENT ON COLUMN sales.orders.status IS 'changed behind the catalog''s back'`)
    const plan = (await as('editor', 'POST', '/api/v1/revmeta/sync/plan', { services: ['pg'] })).json()
    const drift = plan.operations.find((o: { asset: string }) => o.asset === `${tableFqn()}.status`)
    expect(drift).toMatchObject({ status: 'planned', current: "changed behind the catalog's back", desired: "placed or 'paid'", statements: [`COMMENT ON COLUMN "sales"."orders"."status" IS 'placed or ''paid'''`] })
    expect(await readDescription(pg.client, 'sales.orders', 'status')).toBe("changed behind the catalog's back")
    const queued = (await as('editor', 'POST', '/api/v1/revmeta/sync/apply', { services: ['pg'], channels: ['docs'] })).json()
    expect(queued.queued).toBeGreaterThan(0)
    await until(() => readDescription(pg.client, 'sales.orders', 'status'), (d) => d === "placed or 'paid'")
    expect(await readDescription(pg.client, 'sales.orders', 'status')).toBe("placed or 'paid'")
    const unknown = await as('editor', 'POST', '/api/v1/revmeta/sync/plan', { channels: ['nope'] })
    expect(unknown.json().error.code).toBe('CHANNEL_NOT_FOUND')
  })
})
