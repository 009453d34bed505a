import { connect, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogRoutes } from '../../src/catalog/catalog-routes.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { signWebhookBody } from '../../src/openmetadata/webhook-signature.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { webhookPath } from '../../src/http/webhook-path.js'
import { sqliteTarget } from '../store/store-support.js'
import { bearer, roleTokens, type RoleTokens } from '../support/api-tokens.js'

/**
 * What a cheap attacker tries: big unsigned webhook bodies, slow headers and bodies, malformed
 * URLs. Raw sockets on loopback, so the test sees what the server does before a body is sent.
 */
const target = sqliteTarget()
const secret = 'hardening-secret'
const logs: string[] = []
let app: FastifyInstance
let port: number
let tokens: RoleTokens

interface RawExchange {
  readonly socket: Socket
  /** Everything the server sent so far. */
  received(): string
  /** Resolves with what the server sent once it sent something containing `text`. */
  waitFor(text: string): Promise<string>
  /** Resolves once the server closed the connection. */
  closed: Promise<void>
}

function raw(head: string): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    const waiters: { text: string; done: (value: string) => void }[] = []
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1')
      for (const w of waiters.filter((w) => data.includes(w.text))) w.done(data)
    })
    // Writes after the server hung up fail with EPIPE or ECONNRESET: that is the point.
    socket.on('error', () => {})
    const closed = new Promise<void>((r) => socket.on('close', () => r()))
    socket.once('connect', () => {
      socket.write(head)
      resolve({ socket, received: () => data, waitFor: (text) => (data.includes(text) ? Promise.resolve(data) : new Promise((done) => waiters.push({ text, done }))), closed })
    })
    socket.once('error', reject)
  })
}

const webhookHead = (headers: Record<string, string | number>) =>
  `POST ${webhookPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`

beforeAll(async () => {
  await target.setup()
  const store = await target.fresh()
  const config = await resolveConfig(
    {
      catalog: { webhookSecret: secret },
      server: { host: '127.0.0.1', port: 0, timeouts: { headersMs: 300, requestMs: 600, idleMs: 5_000, keepAliveMs: 500, checkIntervalMs: 100 } },
      services: [{ name: 'wh', type: 'postgres', connection: { database: 'shop' } }],
    },
    { source: 'test', baseDir: process.cwd(), env: {} },
  )
  const boom = async (scope: FastifyInstance) => {
    scope.get('/api/v1/revmeta/boom', async () => {
      throw new Error('exploded\nsecond line of the message')
    })
  }
  app = await buildApp({ config, store, metrics: new ServerMetrics(), log: (line) => logs.push(line) }, [catalogRoutes({ selfSubscription: false, log: (line) => logs.push(line) }), boom])
  await app.listen({ host: '127.0.0.1', port: 0 })
  port = (app.server.address() as { port: number }).port
  tokens = await roleTokens(store, 'hard')
})

afterAll(async () => {
  await app?.close()
  await target.teardown()
})

describe('webhook body: refused before it is read', () => {
  it('answers an unsigned 2 MB webhook with 401 before a byte of its body is sent', async () => {
    const exchange = await raw(webhookHead({ 'Content-Length': 2 * 2 ** 20 }))
    const response = await exchange.waitFor('\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 401 /)
    expect(response.toLowerCase()).toContain('connection: close')
    await exchange.waitFor('WEBHOOK_SIGNATURE')
    await exchange.closed
    expect(exchange.socket.bytesWritten).toBe(Buffer.byteLength(webhookHead({ 'Content-Length': 2 * 2 ** 20 })))
  })

  it('answers a signed webhook announcing more than the limit with 413 from its Content-Length alone', async () => {
    const exchange = await raw(webhookHead({ 'Content-Length': 2 * 2 ** 20, 'X-OM-Signature': 'sha256=anything' }))
    const response = await exchange.waitFor('BODY_TOO_LARGE')
    expect(response).toMatch(/^HTTP\/1\.1 413 /)
    exchange.socket.destroy()
  })

  it('stops a signed chunked body at the limit while it streams in', async () => {
    const exchange = await raw(webhookHead({ 'Transfer-Encoding': 'chunked', 'X-OM-Signature': 'sha256=anything' }))
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    while (!exchange.socket.destroyed && sent < 4 * 2 ** 20) {
      exchange.socket.write(`${chunk.length.toString(16)}\r\n`)
      exchange.socket.write(chunk)
      exchange.socket.write('\r\n')
      sent += chunk.length
      await new Promise((r) => setImmediate(r))
    }
    await exchange.closed
    // The server hung up once the body passed 1 MB (its 413 may be lost to the reset of a socket
    // with unread data): it never took the 4 MB.
    expect(sent).toBeLessThan(2 * 2 ** 20)
    if (exchange.received() !== '') expect(exchange.received()).toMatch(/^HTTP\/1\.1 413 /)
  })

  it('checks a signature against the body it covers: a signed body passes, a tampered one is refused', async () => {
    const body = JSON.stringify({ message: 'test' })
    const post = (payload: string, signature: string) => app.inject({ method: 'POST', url: webhookPath, payload, headers: { 'content-type': 'application/json', 'x-om-signature': signature } })
    expect((await post(body, signWebhookBody(body, secret))).statusCode).toBe(200)
    const tampered = await post(`${body} `, signWebhookBody(body, secret))
    expect(tampered.statusCode).toBe(401)
    expect(tampered.json().error.code).toBe('WEBHOOK_SIGNATURE')
  })
})

describe('slow clients are cut off', () => {
  it('closes connections that send their headers too slowly, and ones whose body never finishes', async () => {
    const slowHeaders = await Promise.all(Array.from({ length: 20 }, () => raw(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `)))
    const slowBodies = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const exchange = await raw(webhookHead({ 'Content-Length': 1000, 'X-OM-Signature': 'sha256=anything' }))
        exchange.socket.write('{"entityType":')
        return exchange
      }),
    )
    await Promise.all([...slowHeaders, ...slowBodies].map((e) => e.closed))
    for (const e of [...slowHeaders, ...slowBodies]) expect(e.socket.destroyed).toBe(true)
    // Node answers 408 before it hangs up on a request that ran out of time.
    expect(slowBodies.filter((e) => e.received().startsWith('HTTP/1.1 408')).length).toBeGreaterThan(0)
  })
})

describe('malformed URLs and failures', () => {
  it('answers %00 and bad percent-encoding with 400 REQUEST_INVALID, and logs no stack', async () => {
    const before = logs.length
    for (const url of ['/api/v1/tables/name/%00', '/api/v1/tables/x%00y', '/api/v1/tables/%zz', '/api/v1/tables/name/%E0%A4%A', '/api/v1/events?timestamp=0&entityUpdated=%00', '/api/v1/revmeta/runs/%00']) {
      const response = await app.inject({ method: 'GET', url, headers: bearer(tokens.viewer) })
      expect(response.statusCode, url).toBe(400)
      expect(response.json().error.code, url).toBe('REQUEST_INVALID')
      expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/)
    }
    expect(logs.slice(before)).toEqual([])
  })

  it('takes long FQNs as path parameters, and answers an absurdly long one with 414', async () => {
    const long = `wh.shop.sales.${'"a.b"'.repeat(40)}`
    const found = await app.inject({ method: 'GET', url: `/api/v1/tables/name/${encodeURIComponent(long)}`, headers: bearer(tokens.viewer) })
    expect(found.statusCode).toBe(404)
    const absurd = await app.inject({ method: 'GET', url: `/api/v1/tables/name/${'x'.repeat(5000)}`, headers: bearer(tokens.viewer) })
    expect(absurd.statusCode).toBe(414)
    expect(absurd.json().error.code).toBe('REQUEST_INVALID')
  })

  it('logs a 500 as one line with its code and message, no stack, no token, no body', async () => {
    const before = logs.length
    const response = await app.inject({ method: 'GET', url: '/api/v1/revmeta/boom?q=private', headers: bearer(tokens.admin) })
    expect(response.statusCode).toBe(500)
    expect(response.json().error.code).toBe('INTERNAL')
    expect(response.body).not.toContain('exploded')
    const lines = logs.slice(before)
    expect(lines).toEqual(['GET /api/v1/revmeta/boom failed: INTERNAL: exploded'])
    expect(lines.join('\n')).not.toContain(tokens.admin)
  })

  it('answers a JSON body over server.bodyLimit with 413 BODY_TOO_LARGE', async () => {
    const response = await app.inject({ method: 'PUT', url: '/api/v1/users', payload: `{"name":"${'x'.repeat(3 * 2 ** 20)}"}`, headers: { ...bearer(tokens.admin), 'content-type': 'application/json' } })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } })
  })
})
