import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingest } from '../../src/catalog/ingest.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { run } from '../../src/engine/run.js'
import { applyDurably } from '../../src/execution/apply-durably.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { Progress } from '../../src/model/progress.js'
import { openStore } from '../../src/store/open-store.js'
import type { StateStore } from '../../src/store/state-store.js'

/**
 * The progress the core reports, on embedded PGlite (target and store): from zero, never back,
 * never past the total, and ending at the total, which is the number of operations (or entities).
 */
let dir: string
let config: RevmetaConfig
let store: StateStore

const tables = Array.from({ length: 30 }, (_, i) => `t${i}`)
const event = (table: string, description: string, version: number) => ({
  id: `${table}-${version}`,
  eventType: 'entityUpdated',
  entityType: 'table',
  entityFullyQualifiedName: `lite.postgres.app.${table}`,
  timestamp: 1_700_000_000_000 + version,
  currentVersion: version,
  changeDescription: { fieldsUpdated: [{ name: 'description', oldValue: '', newValue: description }], fieldsAdded: [], fieldsDeleted: [] },
})

function input(description: string, version: number) {
  const events = tables.map((t) => event(t, `${description} ${t}`, version))
  return { items: events.length, normalized: normalizeChangeEvents(events) }
}

/** Checks the sequence a step reported and returns its last report. */
function settledSequence(seen: readonly Progress[], phase: string): Progress {
  const mine = seen.filter((p) => p.phase === phase)
  expect(mine.length).toBeGreaterThan(1)
  expect(mine[0]!.done).toBe(0)
  for (let i = 1; i < mine.length; i++) {
    expect(mine[i]!.done).toBeGreaterThanOrEqual(mine[i - 1]!.done)
    expect(mine[i]!.total).toBeGreaterThanOrEqual(mine[i - 1]!.total)
  }
  for (const p of mine) expect(p.done).toBeLessThanOrEqual(p.total)
  const last = mine.at(-1)!
  expect(last.done).toBe(last.total)
  return last
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-progress-'))
  await writeFile(path.join(dir, 'init.sql'), `CREATE SCHEMA app; ${tables.map((t) => `CREATE TABLE app.${t} (id int, name text);`).join(' ')}`)
  config = await resolveConfig(
    { services: [{ name: 'lite', type: 'pglite', connection: { dataDir: 'db', initSql: 'init.sql' } }], channels: [{ name: 'docs' }], store: { dir: 'store' } },
    { source: 'test', baseDir: dir, env: {} },
  )
  store = await openStore(config.store)
})

afterAll(async () => {
  await store?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('progress the core reports', () => {
  it('an in-memory plan counts every operation checked', async () => {
    const seen: Progress[] = []
    const report = await run(config, input('planned', 1), { apply: false, offline: false, onProgress: (p) => seen.push(p) })
    expect(report.operations).toHaveLength(tables.length)
    expect(settledSequence(seen, 'checking').total).toBe(tables.length)
    expect(seen.filter((p) => p.phase !== 'checking')).toEqual([])
  })

  it('an in-memory apply counts every operation sent or found in place', async () => {
    const seen: Progress[] = []
    const report = await run(config, input('in memory', 2), { apply: true, offline: false, onProgress: (p) => seen.push(p) })
    expect(report.summary.applied).toBe(tables.length)
    expect(settledSequence(seen, 'applying').total).toBe(tables.length)
  })

  it('a durable apply counts the run queued, settled batch by batch', async () => {
    const seen: Progress[] = []
    const report = await applyDurably(config, store, input('durable', 3), { onProgress: (p) => seen.push(p) })
    expect(report.summary.applied).toBe(tables.length)
    expect(settledSequence(seen, 'applying').total).toBe(tables.length)
    // Again: everything is in place, and the count still ends at the total.
    const again: Progress[] = []
    const second = await applyDurably(config, store, input('durable', 4), { onProgress: (p) => again.push(p) })
    expect(second.summary.unchanged).toBe(tables.length)
    expect(settledSequence(again, 'applying').total).toBe(tables.length)
  })

  it('without a callback a durable apply reports the same', async () => {
    const report = await applyDurably(config, store, input('quiet', 5))
    expect(report.summary.applied).toBe(tables.length)
  })

  it('ingest counts the databases, schemas and tables it writes', async () => {
    const seen: Progress[] = []
    const catalog = openCatalog(store)
    try {
      const [summary] = await ingest(config, catalog, { onProgress: (p) => seen.push(p) })
      expect(summary!.error).toBeUndefined()
      const written = Object.values(summary!.entities).reduce((n, c) => n + c.created + c.updated + c.unchanged + c.restored + c.deleted, 0)
      const last = settledSequence(seen, 'ingesting')
      expect(last.total).toBe(written)
      expect(summary!.entities.table.created).toBe(tables.length)
    } finally {
      await catalog.close()
    }
  })

  it('ingest of a service that fails still ends its count', async () => {
    const broken = await resolveConfig(
      { services: [{ name: 'gone', type: 'postgres', connection: { host: '127.0.0.1', port: 1, database: 'x', user: 'x' } }], channels: [{ name: 'docs' }] },
      { source: 'test', baseDir: dir, env: {} },
    )
    const seen: Progress[] = []
    const catalog = openCatalog(store)
    try {
      const [summary] = await ingest(broken, catalog, { onProgress: (p) => seen.push(p) })
      expect(summary!.error).toBeDefined()
      for (const p of seen) expect(p.done).toBeLessThanOrEqual(p.total)
      expect(seen.at(-1)).toEqual({ phase: 'ingesting', done: 0, total: 0 })
    } finally {
      await catalog.close()
    }
  })
})
