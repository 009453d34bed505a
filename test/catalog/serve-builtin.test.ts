import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingest } from '../../src/catalog/ingest.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { selfSubscriptionName } from '../../src/catalog/self-subscription.js'
import { loadCatalogBackend } from '../../src/catalogs/registry.js'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { Worker } from '../../src/execution/worker.js'
import { OpenMetadataClient } from '../../src/openmetadata/om-client.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { webhookPath } from '../../src/http/webhook-path.js'
import { openStore } from '../../src/store/open-store.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import type { StateStore } from '../../src/store/state-store.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'
import { columnComments, createTempMysqlDatabase, mysqlServer, type TempMysqlDatabase } from '../support/mysql-server.js'
import { createTempDatabase, readDescription, type TempDatabase } from '../support/postgres-server.js'

/**
 * What `revmeta serve` does with `catalog.type: builtin`, wired the same way (serve.ts's
 * catalog backend from the registry, the webhook receiver, a worker): an edit made through the catalog API is
 * delivered to the server's own signed webhook and lands in the database.
 */
let pg: TempDatabase
let maria: TempMysqlDatabase
let dir: string
let store: StateStore
let config: RevmetaConfig
let app: FastifyInstance
let client: OpenMetadataClient
let base: string
const stop = new AbortController()
let worker: Promise<void>
let tokens: RoleTokens

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (done(value) || Date.now() - started > timeoutMs) return { value, ms: Date.now() - started }
    await new Promise((r) => setTimeout(r, 25))
  }
}

beforeAll(async () => {
  pg = await createTempDatabase('rm_serve')
  await pg.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.orders (id int, status text); COMMENT ON COLUMN sales.orders.status IS 'from the source'`)
  maria = await createTempMysqlDatabase('rm_serve')
  await maria.conn.query(`CREATE TABLE \`${maria.name}\`.orders (id INT, status VARCHAR(20))`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-serve-'))
  config = await resolveConfig(
    {
      catalog: { type: 'builtin', webhookSecret: 'serve-secret' },
      server: { host: '127.0.0.1', port: 0 },
      services: [
        { name: 'pg', type: 'postgres', connection: { database: pg.name } },
        { name: 'maria', type: 'mysql', connection: { ...mysqlServer } },
      ],
    },
    { source: 'test', baseDir: dir, env: {} },
  )
  store = await openStore(config.store)
  tokens = await roleTokens(store, 'serve')
  const run = new Worker(store, config, { signal: stop.signal, log: () => {} })
  const plugins = await (await loadCatalogBackend('builtin')).routePlugins()
  app = await buildApp({ config, store, metrics: new ServerMetrics(), onQueued: () => run.nudge() }, plugins)
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  worker = run.run()
  client = new OpenMetadataClient({ url: base, retries: 0, token: tokens.editor })
})

afterAll(async () => {
  stop.abort()
  await app?.close()
  await worker
  await store?.close()
  await pg?.drop()
  await maria?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('revmeta serve with the built-in catalog', () => {
  it('subscribes to its own webhook once listening, with the configured secret', async () => {
    const { value } = await until(
      () => fetch(`${base}/api/v1/events/subscriptions/name/${selfSubscriptionName}`, { headers: bearer(tokens.admin) }).then((r) => r.json() as Promise<Record<string, unknown>>),
      (body) => body.name === selfSubscriptionName,
      3_000,
    )
    const address = app.server.address() as { port: number }
    expect(value).toMatchObject({ enabled: true, destinations: [{ type: 'Webhook', config: { endpoint: `http://127.0.0.1:${address.port}${webhookPath}`, secretKey: '*********' } }] })
  })

  it('ingestion events reach the webhook too, and queue nothing (no echo)', async () => {
    const catalog = openCatalog(store)
    const summaries = await ingest(config, catalog)
    expect(summaries.map((s) => s.error)).toEqual([undefined, undefined])
    await catalog.close()
    const runner = (store as SqlStateStore).sqlRunner
    const tables = runner.dialect.tables((store as SqlStateStore).schema)
    const [received] = await runner.query<{ n: string }>(`SELECT count(*) AS n FROM ${tables}.events WHERE source = 'webhook'`)
    const [written] = await runner.query<{ n: string }>(`SELECT count(*) AS n FROM ${tables}.catalog_events`)
    expect(Number(received!.n)).toBeGreaterThan(0)
    expect(Number(received!.n)).toBe(Number(written!.n))
    expect(await store.unsettled()).toBe(0)
  })

  it('a column description edited through the catalog API is in PostgreSQL and MariaDB within 2 seconds', async () => {
    const pgTable = await client.getEntity('table', `pg.${pg.name}.sales.orders`)
    const status = pgTable.columns!.findIndex((c) => c.name === 'status')
    expect(pgTable.columns![status]!.description).toBe('from the source')
    const patched = await client.patchEntity('table', pgTable.id, [{ op: 'replace', path: `/columns/${status}/description`, value: "Order status — it's 'placed' or 'paid'" }])
    expect(patched.updatedBy).toBe('serve-editor')
    const inPg = await until(() => readDescription(pg.client, 'sales.orders', 'status'), (d) => d === "Order status — it's 'placed' or 'paid'", 2_000)
    expect(inPg.value).toBe("Order status — it's 'placed' or 'paid'")
    expect(inPg.ms).toBeLessThanOrEqual(2_000)

    const mariaTable = await client.getEntity('table', `maria.default.${maria.name}.orders`)
    const mStatus = mariaTable.columns!.findIndex((c) => c.name === 'status')
    await client.patchEntity('table', mariaTable.id, [{ op: 'add', path: `/columns/${mStatus}/description`, value: 'placed | paid' }])
    const inMaria = await until(() => columnComments(maria.conn, maria.name, 'orders'), (c) => c.status === 'placed | paid', 2_000)
    expect(inMaria.value.status).toBe('placed | paid')
    expect(inMaria.ms).toBeLessThanOrEqual(2_000)
  })
})
