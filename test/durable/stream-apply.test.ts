import { appendFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { applyEventStream } from '../../src/execution/apply-event-stream.js'
import { Worker } from '../../src/execution/worker.js'
import { revmetaJson, writeConfig, writeEvents } from '../support/durable-cli.js'
import { createStore, readStoreState, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'
import { changeEvent } from '../support/om-events.js'
import { revmeta } from '../support/run-cli.js'

/**
 * A large events input is planned as a stream (planEventStream) and each bounded flush is queued
 * as it comes. Three versions of every description arrive in one feed, so each asset's versions
 * fall into different flushes: the store must coalesce them in order and land the last one.
 */
describe.each(storeKinds)('apply of a streamed events input, %s store', (kind) => {
  let target: Target
  let store: DurableStore

  beforeAll(async () => {
    target = await createTarget(`rm_stream_${kind}`, { tables: 30, columns: 4 })
    store = await createStore(kind, `rm_stream_${kind}`)
  })

  afterAll(async () => {
    await store?.drop()
    await target?.drop()
  })

  const version = (v: number): TableEdit[] =>
    target.tables.map((t) => ({ table: t, description: `v${v} ${t}`, columns: Object.fromEntries(target.columns.map((c) => [c, `v${v} ${t}.${c}`])) }))

  it('queues flush after flush in input order and lands the newest version of every description', async () => {
    const edits = [1, 2, 3].flatMap(version)
    const file = await writeEvents(store, [
      ...tableEvents(target, edits),
      changeEvent('table', 'unknown.db.sales.t', { updated: [{ name: 'description', newValue: 'x' }] }),
    ])
    await appendFile(file, '\n{"cut off\n')
    const config = await loadConfig(await writeConfig(store, target, { execution: { batchSize: 40 } }))

    const report = await store.with((s) => applyEventStream(config, s, file, { maxPending: 7 }))

    expect(await target.comments()).toEqual(expectedComments(edits))
    const assets = target.tables.length * (1 + target.columns.length)
    // Coalesced in the store across flushes: one operation per asset, each applied and verified.
    expect(report.summary).toMatchObject({ total: assets + 1, applied: assets, verified: assets, failed: 1, rejectedInput: 1 })
    expect(report.operations.find((o) => o.status === 'failed')?.error?.code).toBe('UNKNOWN_SERVICE')
    expect(report.input).toMatchObject({ items: edits.length + 2, changes: assets * 3 + 1 })
    expect(report.input.errors[0]).toMatchObject({ code: 'INPUT_MALFORMED' })
    expect(report.input.errors[0]!.message).toMatch(/line \d+: not valid JSON/)
    for (const op of report.operations.filter((o) => o.status === 'applied')) expect(op.desired).toMatch(/^v3 /)

    // Each asset was written once, with the newest version, and every event was recorded.
    const state = await readStoreState(store, [report.runId!])
    expect(state.operations).toHaveLength(assets)
    expect(state.audit.filter((a) => a.outcome === 'applied')).toHaveLength(assets)
    expect(state.operations.every((o) => o.op.origins.length === 3)).toBe(true)
  })

  it('a worker stamps the run it completes when no apply waits for it (--queue-only)', async () => {
    const edits = version(5)
    const file = await writeEvents(store, tableEvents(target, edits))
    const config = await loadConfig(await writeConfig(store, target, { name: 'queue-only.yaml' }))
    const queued = await store.with((s) => applyEventStream(config, s, file, { maxPending: 50, queueOnly: true }))
    const runId = queued.runId!
    expect(await store.with(async (s) => (await s.getRun(runId))?.finishedAt)).toBeUndefined()
    await store.with((s) => new Worker(s, config, { untilIdle: { waitForRetriesMs: 0 } }).run())
    const run = await store.with((s) => s.getRun(runId))
    expect(run?.finishedAt).toBeInstanceOf(Date)
    expect(run?.counts).toMatchObject({ total: target.tables.length * (1 + target.columns.length), applied: target.tables.length * (1 + target.columns.length), pending: 0 })
    expect(await target.comments()).toEqual(expectedComments(edits))
  })

  it('`revmeta apply --stream` goes through the same path; --stream without the store is refused', async () => {
    const edits = version(4)
    const file = await writeEvents(store, tableEvents(target, edits))
    const config = await writeConfig(store, target, { name: 'cli.yaml' })
    const { code, report } = await revmetaJson('apply', '--config', config, '--events', file, '--stream')
    expect(code).toBe(0)
    expect(report.summary).toMatchObject({ applied: target.tables.length * (1 + target.columns.length), failed: 0 })
    expect(await target.comments()).toEqual(expectedComments(edits))

    const refused = await revmeta('apply', '--config', config, '--events', file, '--stream', '--no-store')
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/CONFIG_INVALID.*--stream/)
  })
})
