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
const send = (method: 'POST' | 'PUT', body: string, signature?: string) =>
  app.inject({ method, url: webhookPath, payload: body, headers: { 'content-type': 'application/json', ...(signature ? { 'x-om-signature': signature } : {}) } })
const post = (body: string, signature?: string) => send('POST', body, signature)
const signed = (method: 'POST' | 'PUT', value: unknown) => {
  const body = JSON.stringify(value)
  return send(method, body, signWebhookBody(body, secret))
}

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

  it('takes PUT as OpenMetadata sends it with httpMethod PUT, under the same signature check', async () => {
    const body = JSON.stringify(event())
    expect((await send('PUT', body)).statusCode).toBe(401)
    expect((await send('PUT', body, signWebhookBody(body, 'wrong'))).statusCode).toBe(401)
    const response = await send('PUT', body, signWebhookBody(body, secret))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ status: 'ok', received: 1, stored: 1, duplicates: 0, operations: 1, errors: [] })
    const test = await signed('PUT', { message: 'This is a test message from OpenMetadata to confirm your webhook destination is configured correctly.' })
    expect(test.json()).toEqual({ status: 'ok', test: true })
  })

  it('stores every event of a batch, {"data": [...]} or a plain array', async () => {
    const wrapped = await signed('POST', { data: [event(), event()] })
    expect(wrapped.statusCode).toBe(200)
    expect(wrapped.json()).toMatchObject({ status: 'ok', received: 2, stored: 2, duplicates: 0 })
    const plain = await signed('PUT', [event(), event(), event()])
    expect(plain.statusCode).toBe(200)
    expect(plain.json()).toMatchObject({ status: 'ok', received: 3, stored: 3 })
  })

  it('answers 207 for a partly bad batch: the good events stored, each bad one coded with its index', async () => {
    const good = event()
    const response = await signed('POST', { data: [good, { entityType: 'table', eventType: 'entityUpdated' }, 'not an event', event()] })
    expect(response.statusCode).toBe(207)
    const result = response.json()
    expect(result).toMatchObject({ status: 'partial', received: 4, stored: 2, operations: 1 })
    expect(result.errors.map((e: { code: string; details: { index: number } }) => [e.code, e.details.index])).toEqual([
      ['INPUT_MALFORMED', 1],
      ['INPUT_MALFORMED', 2],
    ])
    // The good one is in the store: sent again, it is a duplicate.
    expect((await signed('POST', good)).json()).toMatchObject({ stored: 1, duplicates: 1 })
  })

  it('answers 4xx with a code to any body it stored nothing of, never 200 with an error inside', async () => {
    const before = await store.unsettled()
    for (const value of [{}, { entityType: 'table' }, [{ eventType: 'entityUpdated' }], 42, 'text', null]) {
      const response = await signed('POST', value)
      expect(response.statusCode, JSON.stringify(value)).toBe(422)
      expect(response.json().error.code, JSON.stringify(value)).toBe('INPUT_MALFORMED')
      expect(response.json().stored).toBe(0)
    }
    for (const empty of [[], { data: [] }]) {
      const response = await signed('PUT', empty)
      expect(response.statusCode).toBe(422)
      expect(response.json().error).toMatchObject({ code: 'INPUT_MALFORMED', message: expect.stringContaining('no event') })
    }
    expect(await store.unsettled()).toBe(before)
  })

  it('names id-only owners per delivery through the catalog; one it cannot name fails alone (207), the description lands in the queue', async () => {
    const annId = '0b6f7c52-1e9a-4c55-9d8e-2f3a4b5c6d7e'
    const ghostId = '11111111-2222-4333-8444-555555555555'
    const asked: string[] = []
    const owning = await resolveConfig(
      { catalog: { webhookSecret: secret }, services: [{ name: 'wh', type: 'postgres', connection: { database: db.name } }], channels: [{ name: 'all', sync: { descriptions: true, tags: true, owners: true } }] },
      { source: 'test', baseDir: dir, env: {} },
    )
    const ownerDirectory = () => ({
      async findOwner(type: 'user' | 'team', id: string) {
        asked.push(`${type}:${id}`)
        return id === annId ? { type, name: 'ann', id } : undefined
      },
    })
    const withOwners = await buildApp({ config: owning, store, metrics: new ServerMetrics(), ownerDirectory })
    try {
      const fqn = `wh.${db.name}.sales.orders`
      const body = JSON.stringify([
        changeEvent('table', fqn, { added: [{ name: 'owners', newValue: JSON.stringify([{ id: annId, type: 'user' }]) }] }),
        changeEvent('table', fqn, { updated: [{ name: 'description', oldValue: '', newValue: 'Orders' }], added: [{ name: 'owners', newValue: JSON.stringify([{ id: ghostId, type: 'team' }]) }] }),
      ])
      const response = await withOwners.inject({ method: 'PUT', url: webhookPath, payload: body, headers: { 'content-type': 'application/json', 'x-om-signature': signWebhookBody(body, secret) } })
      expect(response.statusCode).toBe(207)
      const result = response.json()
      expect(result).toMatchObject({ status: 'partial', received: 2, stored: 2, operations: 2 })
      expect(result.errors).toEqual([expect.objectContaining({ code: 'OWNER_UNRESOLVED', message: expect.stringContaining(`team ${ghostId}`) })])
      expect(asked.sort()).toEqual([`team:${ghostId}`, `user:${annId}`])
      const queued = await store.operations({ runId: result.runId })
      expect(queued.map((q) => [q.op.kind, q.op.kind === 'owners' ? q.op.add.map((o) => o.name) : (q.op as { description: string }).description])).toEqual([
        ['owners', ['ann']],
        ['description', 'Orders'],
      ])
    } finally {
      await withOwners.close()
    }
  })
})
