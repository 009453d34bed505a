import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CatalogService } from '../../src/catalog/catalog-service.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { verifyWebhookSignature } from '../../src/openmetadata/webhook-signature.js'
import { sqliteTarget } from '../store/store-support.js'
import { seedDirectory, seedEntities } from './catalog-seed.js'

interface Received {
  path: string
  method: string
  signature?: string
  raw: string
  at: number
}

const target = sqliteTarget()
let receiver: Server
let url: string
let received: Received[] = []
/** Per path: the status codes to answer, in turn (200 once they run out), and a delay before answering. */
let script: Record<string, { statuses?: number[]; delayMs?: number }> = {}
const logs: string[] = []
let catalog: CatalogService
let tableId: string

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const raw = await body(req)
    const path = req.url ?? '/'
    received.push({ path, method: req.method ?? '', raw, at: Date.now(), ...(req.headers['x-om-signature'] ? { signature: String(req.headers['x-om-signature']) } : {}) })
    const plan = script[path] ?? {}
    if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs))
    res.statusCode = plan.statuses?.shift() ?? 200
    res.end('{}')
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  await target.setup()
  catalog = openCatalog(await target.fresh(), { delivery: { retries: 3, backoffMs: () => 20, timeoutMs: 3_000, log: (l) => logs.push(l) } })
  await seedDirectory(catalog)
  tableId = (await seedEntities(catalog, ['orders'])).orders.id as string
  await catalog.deliveriesIdle()
})

afterAll(async () => {
  await catalog?.close(100)
  await target.teardown()
  await new Promise((r) => receiver.close(r))
})

beforeEach(async () => {
  await catalog.deliveriesIdle()
  received = []
  script = {}
  logs.length = 0
})

const describeAs = (text: string) => catalog.patchEntity('table', tableId, [{ op: 'add', path: '/description', value: text }], 'alice')

describe('webhook subscriptions', () => {
  it('posts each event as JSON signed like OpenMetadata (X-OM-Signature, Base64 HMAC), unsigned without a secret', async () => {
    await catalog.subscriptions.create({ name: 'signed', endpoint: `${url}/signed`, secretKey: 'top-secret' })
    await catalog.subscriptions.create({ name: 'plain', endpoint: `${url}/plain` })
    await catalog.subscriptions.create({ name: 'off', endpoint: `${url}/off`, enabled: false })
    await describeAs('first')
    await catalog.deliveriesIdle()
    const signed = received.filter((r) => r.path === '/signed')
    expect(signed).toHaveLength(1)
    expect(signed[0]!.signature).toMatch(/^sha256=[A-Za-z0-9+/]+=*$/)
    expect(verifyWebhookSignature(signed[0]!.raw, signed[0]!.signature, 'top-secret')).toBe(true)
    expect(verifyWebhookSignature(signed[0]!.raw, signed[0]!.signature, 'other')).toBe(false)
    const event = JSON.parse(signed[0]!.raw) as Record<string, unknown>
    const [stored] = await catalog.listEvents(event.timestamp as number, { entityUpdated: ['table'] })
    expect(event).toEqual(stored)
    expect(event).toMatchObject({ eventType: 'entityUpdated', entityType: 'table', userName: 'alice', changeDescription: { fieldsUpdated: [{ name: 'description', newValue: 'first' }] } })
    expect(received.find((r) => r.path === '/plain')?.signature).toBeUndefined()
    expect(received.some((r) => r.path === '/off')).toBe(false)
  })

  it('retries a failing receiver with backoff, and keeps the order of events per subscription', async () => {
    script['/signed'] = { statuses: [500, 503] }
    await describeAs('second')
    await describeAs('third')
    await catalog.deliveriesIdle()
    const signed = received.filter((r) => r.path === '/signed').map((r) => (JSON.parse(r.raw) as { changeDescription: { fieldsUpdated: { newValue: string }[] } }).changeDescription.fieldsUpdated[0]!.newValue)
    expect(signed).toEqual(['second', 'second', 'second', 'third'])
    expect(logs).toEqual([])
  })

  it('never holds up the edit: a slow receiver is delivered to in the background', async () => {
    script['/signed'] = { delayMs: 1_500 }
    const started = Date.now()
    await describeAs('fourth')
    expect(Date.now() - started).toBeLessThan(1_000)
    await catalog.deliveriesIdle()
    expect(received.filter((r) => r.path === '/signed')).toHaveLength(1)
  })

  it('logs a delivery that keeps failing, and never throws; a 4xx answer is not retried', async () => {
    script['/signed'] = { statuses: [500, 500, 500, 500, 500] }
    script['/plain'] = { statuses: [404] }
    const patched = await describeAs('fifth')
    expect(patched.description).toBe('fifth')
    await catalog.deliveriesIdle()
    expect(received.filter((r) => r.path === '/signed')).toHaveLength(4)
    expect(received.filter((r) => r.path === '/plain')).toHaveLength(1)
    expect(logs).toHaveLength(2)
    expect(logs.join('\n')).toMatch(/subscription signed .* failed: answered 500/)
    expect(logs.join('\n')).toMatch(/subscription plain .* failed: answered 404/)
  })

  it('gives up on an unreachable endpoint after its retries', async () => {
    await catalog.subscriptions.upsert({ name: 'plain', endpoint: 'http://127.0.0.1:9/closed' })
    await describeAs('sixth')
    await catalog.deliveriesIdle()
    expect(logs.some((l) => l.includes('subscription plain') && l.includes('127.0.0.1:9'))).toBe(true)
  })
})
