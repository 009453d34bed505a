import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { Worker } from '../../src/execution/worker.js'
import type { Settlement } from '../../src/store/state-store.js'
import { exitWatch, killStarted, revmetaJson, startRevmeta, waitUntil, writeEvents, type Report } from '../support/durable-cli.js'
import { createStore, statusCounts, type DurableStore, type StoreKind } from '../support/durable-store.js'
import { createSilentTarget, silentEngines, type SilentTarget } from '../support/silent-targets.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'

/**
 * A silent network: the proxy to the live database keeps every socket open but stops forwarding
 * bytes while a run is going. The batch in flight must fail as retryable once the connector's
 * short timeouts (1 s here) pass, its connection discarded; once the network heals the work is
 * retried on fresh connections and ends applied with the right values, nothing left running.
 * Before, the wait never ended. Shown for `revmeta apply` (a child process, embedded store) and
 * for a long-running Worker as `revmeta serve` runs it (PostgreSQL store).
 */
const TABLES = 5
const COLUMNS = 6 // 35 operations
const TOTAL = TABLES * (COLUMNS + 1)
const timeouts = { connectTimeoutMs: 1_000, queryTimeoutMs: 1_000 }
// Small batches, fast retries, and room for the attempts a 1 s timeout costs while silent.
const execution = { batchSize: 5, maxAttempts: 20, retryBaseMs: 50, retryMaxMs: 200, pollMs: 50, breaker: { failures: 3, cooldownMs: 100, maxCooldownMs: 200 } }

interface Setup {
  readonly target: SilentTarget
  readonly store: DurableStore
  readonly proxy: TcpProxy
}

async function setUp(engine: SilentTarget['engine'], kind: StoreKind, name: string): Promise<Setup> {
  const target = await createSilentTarget(engine, `rm_silent_${name}`, { tables: TABLES, columns: COLUMNS })
  const store = await createStore(kind, `rm_silent_${name}`)
  // Latency keeps a statement in flight most of the time, so the blackhole hits a batch mid-way.
  const proxy = await startTcpProxy({ target: target.server, latencyMs: 20 })
  return { target, store, proxy }
}

async function writeSilentConfig({ target, store, proxy }: Setup, extra: { execution?: Record<string, unknown>; connection?: Record<string, unknown> } = {}): Promise<string> {
  const file = path.join(store.dir, `revmeta-${Math.random().toString(36).slice(2)}.yaml`)
  const config = {
    store: store.config,
    execution: { ...execution, ...extra.execution },
    services: [{ name: target.service, type: target.engine, connection: { ...target.connection(proxy.port, timeouts), ...extra.connection }, execution: { concurrency: 1 } }],
  }
  await writeFile(file, JSON.stringify(config, null, 2))
  return file
}

/** Silences the network once comments start landing; heals it once a client gave up on a silent connection and opened another. */
async function blackholeMidRun(setup: Setup, abortIf?: () => string | undefined): Promise<void> {
  await waitUntil('the first comments', async () => (await setup.target.comments()).size > 0, { intervalMs: 10, ...(abortIf ? { abortIf } : {}) })
  setup.proxy.blackhole(true)
  // A new connection while silent means the old one was timed out and discarded, not waited on.
  await waitUntil('a new connection after the timeout', async () => setup.proxy.stats.blackholed > 0, { timeoutMs: 20_000, intervalMs: 10, ...(abortIf ? { abortIf } : {}) })
  setup.proxy.blackhole(false)
}

/** Operations settled for good (not to be retried), counted once each. */
const finalIds = (settled: readonly Settlement[]) => new Set(settled.filter((st) => st.status !== 'retry').map((st) => st.id)).size

async function expectNothingRunning(setup: Setup): Promise<void> {
  const { operations, runs } = await setup.store.with(async (store) => ({ operations: await store.operations({}), runs: await store.listRuns(20) }))
  expect(statusCounts(operations)).toEqual({ applied: TOTAL })
  expect(operations.filter((o) => o.attempts > 1).length, 'the silent network hit work in flight').toBeGreaterThan(0)
  expect(runs.length).toBeGreaterThan(0)
  for (const run of runs) expect([run.finishedAt instanceof Date, run.counts]).toMatchObject([true, { running: 0, pending: 0 }])
}

describe.each(silentEngines)('a silent network to %s', (engine) => {
  describe('revmeta apply (embedded store)', () => {
    let setup: Setup

    beforeAll(async () => {
      setup = await setUp(engine, 'sqlite', `${engine}_apply`)
    })

    afterAll(async () => {
      killStarted()
      await setup?.proxy.close()
      await setup?.store.drop()
      await setup?.target.drop()
    })

    it('fails the batch in flight as retryable, retries it after the network heals, ends applied', async () => {
      const config = await writeSilentConfig(setup)
      const events = await writeEvents(setup.store, setup.target.events())
      const apply = startRevmeta('apply', '--config', config, '--events', events, '--json')
      await blackholeMidRun(setup, exitWatch(apply))

      const { code, stdout, stderr } = await apply.exited
      expect(code, stderr).toBe(0)
      const report = JSON.parse(stdout) as Report
      expect(report.summary).toMatchObject({ total: TOTAL, applied: TOTAL, failed: 0, queued: 0 })
      expect(report.operations.some((o) => o.warnings.some((w) => /took \d+ attempts/.test(w)))).toBe(true)
      expect(await setup.target.comments()).toEqual(setup.target.expected())
      // The report comes from the store: nothing of the run is left pending or running.
      expect(report.operations.every((o) => o.status === 'applied')).toBe(true)
    }, 60_000)
  })

  describe('a long-running worker, as revmeta serve runs it (PostgreSQL store)', () => {
    let setup: Setup

    beforeAll(async () => {
      setup = await setUp(engine, 'postgres', `${engine}_serve`)
    })

    afterAll(async () => {
      await setup?.proxy.close()
      await setup?.store.drop()
      await setup?.target.drop()
    })

    it('fails the batch in flight as retryable within the timeout, retries it, ends applied with nothing running', async () => {
      const config = await writeSilentConfig(setup)
      const events = await writeEvents(setup.store, setup.target.events())
      const queued = await revmetaJson('apply', '--config', config, '--events', events, '--queue-only')
      expect(queued.code, queued.stderr).toBe(0)

      const settled: Settlement[] = []
      const stop = new AbortController()
      const resolved = await loadConfig(config)
      const running = setup.store.with((store) => new Worker(store, resolved, { signal: stop.signal, onSettled: (batch) => settled.push(...batch.map((b) => b.settlement)) }).run())
      try {
        await blackholeMidRun(setup)
        await waitUntil('every comment', async () => (await setup.target.comments()).size === TOTAL, { timeoutMs: 30_000 })
        await waitUntil('every operation settled', async () => finalIds(settled) === TOTAL, { timeoutMs: 10_000 })
      } finally {
        stop.abort()
        await running
      }

      const retries = settled.filter((st) => st.status === 'retry')
      expect(retries.length).toBeGreaterThan(0)
      for (const retry of retries) expect(retry.status === 'retry' && retry.error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      expect(retries.some((st) => st.status === 'retry' && /timeout|no answer/i.test(st.error.message))).toBe(true)
      expect(await setup.target.comments()).toEqual(setup.target.expected())
      await expectNothingRunning(setup)
    }, 60_000)
  })
})

describe('a batch that outlives every connector timeout', () => {
  let setup: Setup

  beforeAll(async () => {
    setup = await setUp('postgres', 'postgres', 'bound')
  })

  afterAll(async () => {
    await setup?.proxy.close()
    await setup?.store.drop()
    await setup?.target.drop()
  })

  afterEach(() => setup.proxy.blackhole(false))

  it('is given up after execution.batchTimeoutMs, its session discarded, and retried to the end', async () => {
    // The connector's own round-trip bound is off: only the worker's batch bound ends the wait.
    const config = await writeSilentConfig(setup, { execution: { batchTimeoutMs: 1_500 }, connection: { queryTimeoutMs: 0 } })
    const events = await writeEvents(setup.store, setup.target.events())
    const queued = await revmetaJson('apply', '--config', config, '--events', events, '--queue-only')
    expect(queued.code, queued.stderr).toBe(0)

    const settled: Settlement[] = []
    const stop = new AbortController()
    const resolved = await loadConfig(config)
    const running = setup.store.with((store) => new Worker(store, resolved, { signal: stop.signal, onSettled: (batch) => settled.push(...batch.map((b) => b.settlement)) }).run())
    try {
      await blackholeMidRun(setup)
      await waitUntil('every operation settled', async () => finalIds(settled) === TOTAL, { timeoutMs: 30_000 })
    } finally {
      stop.abort()
      await running
    }
    const bounded = settled.filter((st) => st.status === 'retry' && /batchTimeoutMs/.test(st.error.message))
    expect(bounded.length).toBeGreaterThan(0)
    expect(bounded[0]).toMatchObject({ error: { code: 'CONNECTION_FAILED', retryable: true } })
    expect(await setup.target.comments()).toEqual(setup.target.expected())
    await expectNothingRunning(setup)
  }, 60_000)
})
