import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteFileName } from '../../src/store/sqlite-runner.js'
import { killStarted, listRuns, revmetaJson, startRevmeta, writeConfig, writeEvents } from '../support/durable-cli.js'
import { createStore, notExactlyOnce, readStoreState, statusCounts, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'

/**
 * Scale out: `revmeta apply --queue-only` of 3,000 operations, then three `revmeta worker --drain`
 * processes at once on one store: PostgreSQL, or the embedded SQLite file they share. Which worker
 * holds which operation is only visible while it runs (settling clears `locked_by`), so the test
 * samples the store's `locked_by` column (SQLite: through a read-only connection of its own).
 */
const TABLES = 60
const COLUMNS = 49 // 60 × 50 = 3,000 operations

describe.each(storeKinds)('three workers on one %s store', (kind) => {
  let target: Target
  let store: DurableStore

  beforeAll(async () => {
    target = await createTarget(`rm_workers_${kind}`, { tables: TABLES, columns: COLUMNS })
    store = await createStore(kind, `rm_workers_${kind}`)
  })

  afterAll(async () => {
    killStarted()
    await store?.drop()
    await target?.drop()
  })

  it('split the work, apply every operation exactly once, and leave the final state exact', async () => {
    const edits: TableEdit[] = target.tables.map((t) => ({ table: t, description: `table ${t}`, columns: Object.fromEntries(target.columns.map((c) => [c, `column ${t}.${c}`])) }))
    const events = await writeEvents(store, tableEvents(target, edits))
    // Per worker: two batches of 25 in flight, 500 operations started per second.
    const config = await writeConfig(store, target, { execution: { batchSize: 25 }, serviceExecution: { concurrency: 2, ratePerSecond: 500 } })

    const queued = await revmetaJson('apply', '--config', config, '--events', events, '--queue-only')
    expect(queued.code, queued.stderr).toBe(0)
    expect(queued.report.summary).toMatchObject({ total: 3_000, queued: 3_000, applied: 0 })
    expect(await target.countComments()).toBe(0)

    const workers = [1, 2, 3].map(() => startRevmeta('worker', '--config', config, '--drain'))
    // Who holds what, sampled until the three are gone.
    const holders = new Map<number, Set<string>>()
    let running = workers.length
    for (const w of workers) void w.exited.then(() => running--)
    const sqlite = store.pg ? undefined : new Database(path.join(store.config.dir!, sqliteFileName), { readonly: true })
    const runningRows = async () =>
      sqlite
        ? (sqlite.prepare(`SELECT id, locked_by FROM operations WHERE status = 'running'`).all() as { id: number; locked_by: string }[])
        : (await store.pg!.query<{ id: string; locked_by: string }>(`SELECT id, locked_by FROM revmeta.operations WHERE status = 'running'`)).rows
    try {
      while (running > 0) {
        for (const r of await runningRows()) holders.set(Number(r.id), new Set([...(holders.get(Number(r.id)) ?? []), r.locked_by]))
        await new Promise((r) => setTimeout(r, 10))
      }
    } finally {
      sqlite?.close()
    }
    const finished = await Promise.all(workers.map((w) => w.exited))
    const ids = finished.map((f) => {
      expect(f.code, f.stderr).toBe(0)
      // pino's JSON line off a terminal: {"name":"revmeta worker",...,"msg":"<id> started"}
      return /"msg":"(\S+) started"/.exec(f.stderr)![1]!
    })
    expect(new Set(ids).size).toBe(3)

    // Split: each worker was seen holding operations, and no operation was seen with two holders.
    const perWorker = new Map(ids.map((id) => [id, 0]))
    for (const set of holders.values()) {
      expect(set.size).toBe(1)
      const [id] = [...set]
      perWorker.set(id!, (perWorker.get(id!) ?? 0) + 1)
    }
    expect([...perWorker.keys()].sort()).toEqual([...ids].sort())
    // PostgreSQL queues waiters for the queue's lock in turn; SQLite's waiters poll for the file's
    // write lock, so under load a late-starting worker may find the queue drained by its turn:
    // there, sharing is shown by more than one process holding work.
    if (kind === 'postgres') for (const [id, n] of perWorker) expect(n, `operations seen held by ${id}`).toBeGreaterThan(0)
    else expect([...perWorker.values()].filter((n) => n > 0).length, `operations seen held per worker: ${[...perWorker.values()].join(', ')}`).toBeGreaterThan(1)
    console.log(`[workers, ${kind}] operations seen held, per worker: ${[...perWorker.values()].join(', ')} (of ${holders.size} sampled)`)

    // Exactly once: one attempt per operation, one applied audit row each, and nothing else.
    const { operations, audit } = await readStoreState(store)
    expect(statusCounts(operations)).toEqual({ applied: 3_000 })
    expect(operations.filter((o) => o.attempts !== 1)).toEqual([])
    expect(notExactlyOnce(operations, audit)).toEqual([])
    expect(audit).toHaveLength(3_000)
    expect(audit.every((a) => a.outcome === 'applied')).toBe(true)

    expect(await target.comments()).toEqual(expectedComments(edits))
    const [run] = await listRuns(config)
    expect(run!.counts).toMatchObject({ total: 3_000, applied: 3_000, verified: 3_000, pending: 0, running: 0, dead: 0 })
  }, 120_000)
})
