import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { Worker } from '../../src/execution/worker.js'
import { openStore } from '../../src/store/open-store.js'
import { createStore, type DurableStore } from '../support/durable-store.js'
import { serverUrl } from '../support/postgres-server.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'
import { describeOp } from './store-support.js'

/**
 * The state store on a silent network times out instead of hanging, and recovers once the network
 * heals; a run whose process stopped before it queued anything is closed on the next start (at
 * once on the exclusive embedded store, once older than the lease on a shared PostgreSQL store).
 */
describe('a PostgreSQL store behind a silent network', () => {
  let store: DurableStore
  let proxy: TcpProxy

  beforeAll(async () => {
    store = await createStore('postgres', 'rm_store_silent')
    proxy = await startTcpProxy({ target: { host: serverUrl.host, port: serverUrl.port } })
  })

  afterAll(async () => {
    await proxy?.close()
    await store?.drop()
  })

  it('fails each call as retryable CONNECTION_FAILED within its timeouts, then works again once healed', async () => {
    const url = store.config.url!.replace(`:${serverUrl.port}/`, `:${proxy.port}/`)
    const opened = await openStore({ url, poolSize: 2, connectTimeoutMs: 500, queryTimeoutMs: 500 })
    try {
      const runId = await opened.createRun('apply', 'before the silence')
      proxy.blackhole(true)
      // A plain query on the connection that went silent, then a transaction on a new one that never answers.
      await expect(opened.listRuns(5)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, message: expect.stringMatching(/timeout/i) })
      await expect(opened.enqueue(runId, [describeOp('t1', 'x')])).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      await expect(opened.finishRun(runId)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      expect(proxy.stats.blackholed).toBeGreaterThan(0)
      proxy.blackhole(false)
      // The silent connections were discarded, not reused: the store answers on fresh ones.
      expect((await opened.finishRun(runId)).finishedAt).toBeInstanceOf(Date)
      expect((await opened.listRuns(5)).map((run) => run.note)).toContain('before the silence')
    } finally {
      proxy.blackhole(false)
      await opened.close()
    }
  })
})

describe('a run left open with no operations by a process that stopped', () => {
  const stores: DurableStore[] = []
  afterAll(async () => {
    for (const s of stores) await s.drop()
  })

  it('is closed when the embedded store is next opened, with a note; a run with work pending is left to the workers', async () => {
    const store = await createStore('pglite', 'rm_abandoned')
    stores.push(store)
    const { empty, busy } = await store.with(async (s) => {
      const empty = await s.createRun('apply', 'killed early')
      const busy = await s.createRun('apply')
      await s.enqueue(busy, [describeOp('t1', 'x')])
      return { empty, busy }
    })
    await store.with(async (s) => {
      const closed = await s.getRun(empty)
      expect(closed?.finishedAt).toBeInstanceOf(Date)
      expect(closed?.note).toMatch(/^killed early; abandoned: its process stopped before it queued anything$/)
      expect(closed?.counts).toMatchObject({ total: 0 })
      expect((await s.getRun(busy))?.finishedAt).toBeUndefined()
    })
  })

  it('on a shared PostgreSQL store, is closed by a worker only once older than the lease', async () => {
    const store = await createStore('postgres', 'rm_abandoned')
    stores.push(store)
    const config = await resolveConfig(
      { store: store.config, execution: { leaseMs: 60_000 }, services: [{ name: 'warehouse', type: 'postgres', connection: {} }] },
      { source: 'test', baseDir: process.cwd(), env: {} },
    )
    await store.with(async (s) => {
      const fresh = await s.createRun('apply')
      const stale = await s.createRun('webhook')
      await store.pg!.query(`UPDATE revmeta.runs SET started_at = now() - interval '2 minutes' WHERE id = $1`, [stale])
      await new Worker(s, config, { untilIdle: { waitForRetriesMs: 0 } }).run()
      expect((await s.getRun(fresh))?.finishedAt, 'a live process may still queue into its fresh run').toBeUndefined()
      const closed = await s.getRun(stale)
      expect(closed?.finishedAt).toBeInstanceOf(Date)
      expect(closed?.note).toMatch(/abandoned/)
    })
  })
})
