import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { Worker } from '../../src/execution/worker.js'
import { signWebhookBody } from '../../src/openmetadata/webhook-signature.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { webhookPath } from '../../src/http/webhook-path.js'
import { openStore } from '../../src/store/open-store.js'
import type { StateStore } from '../../src/store/state-store.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'
import { changeEvent } from '../support/om-events.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'

let db: TempDatabase
let dir: string
let store: StateStore
let config: RevmetaConfig
let app: FastifyInstance
let nudges = 0
let tokens: RoleTokens

const secret = 'whs3cret'
const post = (body: string, signature?: string) =>
  app.inject({ method: 'POST', url: webhookPath, payload: body, headers: { 'content-type': 'application/json', ...(signature ? { 'x-om-signature': signature } : {}) } })

beforeAll(async () => {
  db = await createTempDatabase('rm_hook')
  await db.client.query('CREATE SCHEMA sales; CREATE TABLE sales.orders (id int, status text)')
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-hook-'))
  config = await resolveConfig(
    { catalog: { webhookSecret: secret }, services: [{ name: 'wh', type: 'postgres', connection: { database: db.name } }] },
    { source: 'test', baseDir: dir, env: {} },
  )
  store = await openStore(config.store)
  tokens = await roleTokens(store)
  app = await buildApp({ config, store, metrics: new ServerMetrics(), onQueued: () => nudges++ })
})

afterAll(async () => {
  await app?.close()
  await store?.close()
  await db?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('OpenMetadata webhook receiver', () => {
  const event = () => changeEvent('table', `wh.${db.name}.sales.orders`, { updated: [{ name: 'columns.status.description', oldValue: '', newValue: "placed | paid — it's signed" }] })

  it('refuses a missing or wrong signature with 401 and queues nothing', async () => {
    const body = JSON.stringify(event())
    const missing = await post(body)
    expect(missing.statusCode).toBe(401)
    expect(missing.json().error.code).toBe('WEBHOOK_SIGNATURE')
    expect((await post(body, signWebhookBody(body, 'wrong'))).statusCode).toBe(401)
    expect((await post(body, signWebhookBody(`${body} `, secret))).statusCode).toBe(401)
    expect(await store.unsettled()).toBe(0)
  })

  it("answers OpenMetadata's test message", async () => {
    const body = JSON.stringify({ message: 'This is a test message from OpenMetadata to confirm your webhook destination is configured correctly.' })
    const response = await post(body, signWebhookBody(body, secret))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok', test: true })
  })

  it('stores a signed event durably before answering, drops a redelivery, and the worker applies it', async () => {
    const body = JSON.stringify(event())
    const first = await post(body, signWebhookBody(body, secret))
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ status: 'ok', received: 1, duplicates: 0, operations: 1 })
    expect(nudges).toBe(1)
    expect(await store.unsettled()).toBe(1)
    const again = await post(body, signWebhookBody(body, secret))
    expect(again.json()).toMatchObject({ received: 1, duplicates: 1, operations: 0 })
    await new Worker(store, config, { untilIdle: { waitForRetriesMs: 0 } }).run()
    const { rows } = await db.client.query(`SELECT col_description('sales.orders'::regclass, 2) AS d`)
    expect(rows[0].d).toBe("placed | paid — it's signed")
  })

  it('answers 400 with a code for a signed body that is not JSON', async () => {
    const response = await post('{nope', signWebhookBody('{nope', secret))
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('INPUT_MALFORMED')
  })

  it('exposes metrics and runs', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
    const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(tokens.viewer) })
    expect(metrics.body).toMatch(/revmeta_webhook_rejected_total\{reason="missing signature"\} 1/)
    expect(metrics.body).toMatch(/revmeta_events_received_total\{source="webhook",outcome="duplicate"\} 1/)
    const runs = (await app.inject({ method: 'GET', url: '/api/v1/revmeta/runs', headers: bearer(tokens.viewer) })).json()
    expect(runs.runs[0]).toMatchObject({ mode: 'webhook', counts: { applied: 1 } })
  })
})
