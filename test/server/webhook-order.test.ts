import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { Worker } from '../../src/execution/worker.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { openStore } from '../../src/store/open-store.js'
import type { StateStore } from '../../src/store/state-store.js'
import { changeEvent } from '../support/om-events.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'
import { postSignedWebhook } from '../support/signed-webhook.js'

/**
 * Issue 10: through the webhook, a delayed older event must not overwrite a newer one, whether
 * it arrives after the newer one was applied or while the newer one still waits in the queue.
 */
let db: TempDatabase
let dir: string
let store: StateStore
let config: RevmetaConfig
let app: FastifyInstance

const secret = 'order-s3cret'
const deliver = async (event: Record<string, unknown>) => {
  const body = JSON.stringify(event)
  const response = await postSignedWebhook(app, body, secret)
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as { operations: number; duplicates: number }
}
const work = () => new Worker(store, config, { untilIdle: { waitForRetriesMs: 0 } }).run()
const comment = async (table: string) => (await db.client.query(`SELECT obj_description('sales.${table}'::regclass, 'pg_class') AS d`)).rows[0].d as string | null
const edit = (table: string, description: string, currentVersion: number, timestamp: number) =>
  changeEvent('table', `wh.${db.name}.sales.${table}`, { updated: [{ name: 'description', oldValue: 'x', newValue: description }] }, { currentVersion, timestamp })

beforeAll(async () => {
  db = await createTempDatabase('rm_hook_order')
  await db.client.query('CREATE SCHEMA sales; CREATE TABLE sales.applied_first (id int); CREATE TABLE sales.queued_together (id int)')
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-hook-order-'))
  config = await resolveConfig(
    { catalog: { webhookSecret: secret }, services: [{ name: 'wh', type: 'postgres', connection: { database: db.name } }] },
    { source: 'test', baseDir: dir, env: {} },
  )
  store = await openStore(config.store)
  app = await buildApp({ config, store, metrics: new ServerMetrics() })
})

afterAll(async () => {
  await app?.close()
  await store?.close()
  await db?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('webhook deliveries out of order', () => {
  it('settles a delayed older event superseded once the newer one was applied', async () => {
    expect(await deliver(edit('applied_first', 'newer', 1.2, 2000))).toMatchObject({ operations: 1 })
    await work()
    expect(await comment('applied_first')).toBe('newer')
    expect(await deliver(edit('applied_first', 'older', 1.1, 3000))).toMatchObject({ operations: 1, duplicates: 0 })
    await work()
    expect(await comment('applied_first')).toBe('newer')
    const [superseded] = await store.operations({ status: 'superseded' })
    expect(superseded?.report).toMatchObject({ status: 'superseded', supersededBy: { version: 1.2, timestamp: 2000 }, statements: [] })
    const [run] = await store.listRuns(1)
    expect(run).toMatchObject({ mode: 'webhook', counts: { superseded: 1, applied: 0 } })
  })

  it('keeps the newer value when the older event is queued behind it before any work', async () => {
    await deliver(edit('queued_together', 'newer', 0.4, 2000))
    await deliver(edit('queued_together', 'older', 0.3, 1000))
    await work()
    expect(await comment('queued_together')).toBe('newer')
  })
})
