import net from 'node:net'

/**
 * A TCP proxy on loopback for tests and benches: it adds latency, drops connections, refuses new
 * ones and blackholes (a silent network) on demand, so retry, reconnection, timeouts and batching
 * can be exercised against real servers.
 */
export interface TcpProxy {
  readonly host: string
  readonly port: number
  /** Stops listening and drops every open connection. */
  close(): Promise<void>
  /** Destroys every open connection now, both the client's and the server's side. */
  dropAll(how?: 'reset' | 'close'): void
  /** Round-trip time added from now on; data already in flight keeps its delay. */
  setLatency(ms: number): void
  /** While true, new connections are accepted and closed at once; open ones carry on. */
  refuse(on: boolean): void
  /**
   * A silent network. On: every open connection stops forwarding in both directions, its sockets
   * kept open, and what either side sends is lost; new connections are accepted and treated the
   * same (no upstream is opened). Off: new connections work again; those that went silent stay
   * silent (their byte streams lost data) until a side gives up on them.
   */
  blackhole(on: boolean): void
  readonly stats: ProxyStats
}

export interface ProxyStats {
  /** Connections proxied (refused ones are not counted here). */
  connections: number
  /** Connections accepted and closed at once while refusing. */
  refused: number
  /** Connections accepted while blackholing, kept open and never forwarded. */
  blackholed: number
  /** Bytes received from either side and lost to a blackhole. */
  bytesLost: number
  /** Bytes received from clients, bound for the target. */
  bytesUp: number
  /** Bytes received from the target, bound for clients. */
  bytesDown: number
}

export interface TcpProxyOptions {
  readonly target: { readonly host: string; readonly port: number }
  /**
   * Added round-trip time in milliseconds: each direction delays its data by half, so one request
   * and its response, the unit a database client waits on, cost `latencyMs` more. A bench asking
   * for "20 ms per round trip" passes 20.
   */
  readonly latencyMs?: number
  readonly listenHost?: string
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/
/** Data queued in one direction beyond which the sender is paused, so a slow side cannot make us buffer without end. */
const HIGH_WATER = 4 * 1024 * 1024

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const listenHost = options.listenHost ?? '127.0.0.1'
  if (!LOOPBACK.test(listenHost)) throw new Error(`startTcpProxy listens on loopback only, not on ${listenHost}`)
  let latencyMs = checkedLatency(options.latencyMs ?? 0)
  let refusing = false
  let blackholing = false
  const stats: ProxyStats = { connections: 0, refused: 0, blackholed: 0, bytesUp: 0, bytesDown: 0, bytesLost: 0 }
  const open = new Set<Connection>()
  const silent = new Set<net.Socket>()
  const swallow = (socket: net.Socket) => {
    silent.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => silent.delete(socket))
    socket.on('data', (chunk: Buffer) => (stats.bytesLost += chunk.length))
  }

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    if (refusing) {
      stats.refused++
      client.on('error', () => {})
      client.destroy()
      return
    }
    if (blackholing) {
      stats.blackholed++
      swallow(client)
      return
    }
    stats.connections++
    const upstream = net.connect({ host: options.target.host, port: options.target.port, allowHalfOpen: true, noDelay: true })
    const connection: Connection = {
      client,
      upstream,
      pipes: [
        new DelayedPipe(client, upstream, () => latencyMs / 2, (n) => (stats.bytesUp += n)),
        new DelayedPipe(upstream, client, () => latencyMs / 2, (n) => (stats.bytesDown += n)),
      ],
    }
    open.add(connection)
    // Either side failing or closing before an orderly end takes the other down with it, as a real
    // network path would; an orderly end travels through the delay queue instead (DelayedPipe).
    let done = false
    const teardown = () => {
      if (done) return
      done = true
      open.delete(connection)
      for (const pipe of connection.pipes) pipe.stop()
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) {
      socket.on('error', teardown)
      socket.on('close', () => {
        if (!(socket.readableEnded && socket.writableFinished)) teardown()
        else if (client.destroyed && upstream.destroyed) teardown()
      })
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, listenHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as net.AddressInfo

  const dropAll = (how: 'reset' | 'close' = 'reset') => {
    for (const connection of [...open]) {
      open.delete(connection)
      for (const pipe of connection.pipes) pipe.stop()
      for (const socket of [connection.client, connection.upstream]) {
        // A reset is what a dropped network path or a killed peer usually looks like (ECONNRESET).
        if (how === 'reset' && typeof socket.resetAndDestroy === 'function' && socket.readyState === 'open') socket.resetAndDestroy()
        else socket.destroy()
      }
    }
  }

  return {
    host: listenHost,
    port: address.port,
    stats,
    dropAll,
    setLatency(ms: number) {
      latencyMs = checkedLatency(ms)
    },
    refuse(on: boolean) {
      refusing = on
    },
    blackhole(on: boolean) {
      blackholing = on
      if (!on) return
      for (const connection of [...open]) {
        open.delete(connection)
        for (const pipe of connection.pipes) pipe.stop()
        for (const socket of [connection.client, connection.upstream]) {
          socket.removeAllListeners('data')
          socket.removeAllListeners('end')
          socket.removeAllListeners('close')
          socket.removeAllListeners('error')
          swallow(socket)
          // Paused by flow control, a socket would never read what is sent to it.
          socket.resume()
        }
      }
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      dropAll('close')
      for (const socket of silent) socket.destroy()
      silent.clear()
      await closed
    },
  }
}

interface Connection {
  readonly client: net.Socket
  readonly upstream: net.Socket
  readonly pipes: readonly DelayedPipe[]
}

function checkedLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a finite number of milliseconds ≥ 0, not ${ms}`)
  return ms
}

/** One direction of a connection: data and the orderly end, each delivered after a delay, in order. */
class DelayedPipe {
  // Each entry keeps its own due time, set when it arrived: the head is always due first, so a
  // latency lowered mid-flight cannot let later data overtake earlier data.
  private readonly queue: { due: number; chunk: Buffer | null }[] = []
  private queued = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly delay: () => number,
    private readonly count: (bytes: number) => void,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.count(chunk.length)
      this.enqueue(chunk)
    })
    from.on('end', () => this.enqueue(null))
    to.on('drain', () => this.flowControl())
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.queue.length = 0
  }

  private enqueue(chunk: Buffer | null): void {
    if (this.stopped) return
    this.queue.push({ due: performance.now() + this.delay(), chunk })
    this.queued += chunk?.length ?? 0
    if (this.timer === undefined) this.deliver()
    this.flowControl()
  }

  private deliver(): void {
    this.timer = undefined
    if (this.stopped) return
    const now = performance.now()
    while (this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { chunk } = this.queue.shift()!
      if (chunk === null) {
        if (!this.to.destroyed) this.to.end()
        continue
      }
      this.queued -= chunk.length
      if (!this.to.destroyed) this.to.write(chunk)
    }
    const head = this.queue[0]
    // Timers may fire a little early; the due check above holds anything not yet due for the next turn.
    if (head !== undefined) this.timer = setTimeout(() => this.deliver(), Math.max(1, Math.ceil(head.due - now)))
    this.flowControl()
  }

  private flowControl(): void {
    if (this.stopped || this.from.destroyed) return
    const full = this.queued >= HIGH_WATER || this.to.writableNeedDrain
    if (full && !this.from.isPaused()) this.from.pause()
    else if (!full && this.from.isPaused()) this.from.resume()
  }
}
