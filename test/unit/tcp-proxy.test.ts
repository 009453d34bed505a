import net from 'node:net'
import pg from 'pg'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connect, serverUrl } from '../support/postgres-server.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'

/** A server that sends back whatever it receives, and ends when its client ends. */
async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

function connectTo(proxy: TcpProxy): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: proxy.host, port: proxy.port, noDelay: true }, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Resolves once `bytes` bytes have arrived on the socket, with everything received. */
function receive(socket: net.Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let length = 0
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      length += chunk.length
      if (length >= bytes) {
        socket.off('data', onData)
        resolve(Buffer.concat(chunks))
      }
    }
    socket.on('data', onData)
    socket.once('close', () => reject(new Error(`closed after ${length} of ${bytes} bytes`)))
  })
}

/** How the socket ended: every way a client learns its connection is gone counts. */
function ending(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`))
    socket.once('close', () => resolve('close'))
  })
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
async function setup(latencyMs = 0) {
  const echo = await startEcho()
  const proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: echo.port }, latencyMs })
  cleanups.push(() => echo.close(), () => proxy.close())
  return { echo, proxy }
}

describe('startTcpProxy', () => {
  it('adds at least the configured round-trip time, and counts bytes both ways', async () => {
    const { proxy } = await setup(40)
    const socket = await connectTo(proxy)
    cleanups.push(() => void socket.destroy())
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      const reply = receive(socket, 5)
      socket.write('ping!')
      expect((await reply).toString()).toBe('ping!')
      // A lower bound only: an upper bound would be about the machine, which is a bench's business.
      expect(performance.now() - started).toBeGreaterThanOrEqual(40)
    }
    proxy.setLatency(0)
    const reply = receive(socket, 4)
    socket.write('fast')
    expect((await reply).toString()).toBe('fast')
    expect(proxy.stats).toMatchObject({ connections: 1, bytesUp: 19, bytesDown: 19 })
  })

  it('keeps the order of many small writes, including across a latency change', async () => {
    const { proxy } = await setup(10)
    const socket = await connectTo(proxy)
    cleanups.push(() => void socket.destroy())
    const messages = Array.from({ length: 2000 }, (_, i) => `${i};`)
    const expected = messages.join('')
    const received = receive(socket, Buffer.byteLength(expected))
    for (const [i, message] of messages.entries()) {
      socket.write(message)
      if (i === 500) proxy.setLatency(30)
      // Lowering the latency mid-flight must not let later writes overtake earlier ones.
      if (i === 1000) proxy.setLatency(0)
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    expect((await received).toString()).toBe(expected)
  })

  it('passes an orderly end through, after the data before it', async () => {
    const { proxy } = await setup(20)
    const socket = await connectTo(proxy)
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    const ended = new Promise<void>((resolve) => socket.once('end', resolve))
    socket.end('last words')
    await ended
    expect(Buffer.concat(received).toString()).toBe('last words')
  })

  it('dropAll closes open connections on both sides; new ones still work', async () => {
    const { proxy } = await setup(5)
    const sockets = await Promise.all([connectTo(proxy), connectTo(proxy)])
    cleanups.push(() => sockets.forEach((s) => s.destroy()))
    const endings = sockets.map(ending)
    const reply = receive(sockets[0]!, 2)
    sockets[0]!.write('hi')
    await reply
    proxy.dropAll()
    expect(await Promise.all(endings)).toEqual([expect.stringMatching(/^(close|error ECONNRESET)$/), expect.stringMatching(/^(close|error ECONNRESET)$/)])
    const fresh = await connectTo(proxy)
    cleanups.push(() => void fresh.destroy())
    const again = receive(fresh, 5)
    fresh.write('again')
    expect((await again).toString()).toBe('again')
    expect(proxy.stats.connections).toBe(3)
  })

  it('refuses new connections while told to, and accepts them again after', async () => {
    const { proxy } = await setup()
    proxy.refuse(true)
    const refused = await connectTo(proxy)
    expect(await ending(refused)).toMatch(/^(close|error ECONNRESET)$/)
    expect(proxy.stats).toMatchObject({ connections: 0, refused: 1 })
    proxy.refuse(false)
    const accepted = await connectTo(proxy)
    cleanups.push(() => void accepted.destroy())
    const reply = receive(accepted, 2)
    accepted.write('ok')
    expect((await reply).toString()).toBe('ok')
  })

  it('listens on loopback only', async () => {
    await expect(startTcpProxy({ target: { host: '127.0.0.1', port: 1 }, listenHost: '0.0.0.0' })).rejects.toThrow(/loopback only/)
  })
})

describe('startTcpProxy with PostgreSQL', () => {
  beforeAll(async () => {
    // Fails with what to start, when the server is missing, before any proxied test muddies the cause.
    const client = await connect()
    await client.end()
  })

  async function proxied(latencyMs = 0) {
    const proxy = await startTcpProxy({ target: { host: serverUrl.host, port: serverUrl.port }, latencyMs })
    cleanups.push(() => proxy.close())
    const client = new pg.Client({ host: proxy.host, port: proxy.port, user: serverUrl.user, database: 'postgres', connectionTimeoutMillis: 5000 })
    // An idle client whose connection drops reports it as an 'error' event: it must not go unhandled.
    client.on('error', () => {})
    cleanups.push(() => client.end().catch(() => {}))
    return { proxy, client }
  }

  it('runs a query through the proxy', async () => {
    const { proxy, client } = await proxied(10)
    await client.connect()
    const result = await client.query('SELECT 1 AS one')
    expect(result.rows).toEqual([{ one: 1 }])
    expect(proxy.stats.bytesUp).toBeGreaterThan(0)
    expect(proxy.stats.bytesDown).toBeGreaterThan(0)
  })

  it('fails a running query cleanly when the connection is dropped, and a new client connects again', async () => {
    const { proxy, client } = await proxied()
    await client.connect()
    const running = client.query('SELECT pg_sleep(10)')
    setTimeout(() => proxy.dropAll(), 100)
    const error = (await running.then(() => undefined, (e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(/terminated|ECONNRESET|Connection/i)
    const next = new pg.Client({ host: proxy.host, port: proxy.port, user: serverUrl.user, database: 'postgres' })
    await next.connect()
    cleanups.push(() => next.end())
    expect((await next.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }])
  })

  it('fails connecting cleanly when refused, or when the target is down', async () => {
    const { proxy, client } = await proxied()
    proxy.refuse(true)
    await expect(client.connect()).rejects.toThrow(/terminated|ECONNRESET|closed/i)
    const down = await startTcpProxy({ target: { host: '127.0.0.1', port: await unusedPort() } })
    cleanups.push(() => down.close())
    const orphan = new pg.Client({ host: down.host, port: down.port, user: serverUrl.user, connectionTimeoutMillis: 5000 })
    orphan.on('error', () => {})
    await expect(orphan.connect()).rejects.toThrow(/terminated|ECONNRESET|closed/i)
  })
})

async function unusedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
