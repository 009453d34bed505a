/**
 * The queue's own time on 20,000 operations (enqueue, claim and settle in batches of 1,000) on
 * the embedded SQLite store and on PostgreSQL: `npx tsx bench/queue-speed.ts [sqlite|postgres] [n]`.
 * A measure for the store's share of `revmeta apply`, printed per phase.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { DescriptionOperation } from '../src/model/operation.js'
import { openStore } from '../src/store/open-store.js'
import type { StateStore } from '../src/store/state-store.js'

const kind = process.argv[2] ?? 'sqlite'
const n = Number(process.argv[3] ?? 20_000)
const batch = 1_000

function op(i: number): DescriptionOperation {
  const table = `t${i}`
  return {
    id: `docs|warehouse.shop.sales.${table}|description`,
    channel: 'docs',
    service: 'warehouse',
    asset: { service: 'warehouse', database: 'shop', schema: 'sales', table, level: 'table' },
    kind: 'description',
    description: `Description number ${i}, with some 'quotes' and text to be realistic.`,
    origins: [{ source: 'event', index: i, eventId: `ev-${i}` }],
  }
}

async function open(): Promise<{ store: StateStore; done(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'revmeta-queue-speed-'))
    const store = await openStore({ dir })
    return { store, done: async () => { await store.close(); await rm(dir, { recursive: true, force: true }) } }
  }
  const db = `revmeta_speed_${process.pid}`
  const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${db}`)
  const store = await openStore({ url: `postgres://postgres@127.0.0.1:5432/${db}` })
  return {
    store,
    done: async () => {
      await store.close()
      await admin.query(`DROP DATABASE ${db} WITH (FORCE)`)
      await admin.end()
    },
  }
}

const { store, done } = await open()
try {
  const ops = Array.from({ length: n }, (_, i) => op(i))
  const run = await store.createRun('apply')
  const t0 = performance.now()
  await store.enqueue(run, ops)
  const t1 = performance.now()
  let claimMs = 0
  let auditMs = 0
  let settleMs = 0
  for (;;) {
    const c0 = performance.now()
    const claimed = await store.claim('bench', { limit: batch, maxRunningPerService: { warehouse: batch } })
    claimMs += performance.now() - c0
    if (claimed.length === 0) break
    const a0 = performance.now()
    await store.recordAudit(claimed.map((o) => ({ operationId: o.id, runId: o.runId, attempt: o.attempts, service: 'warehouse', asset: o.key, kind: 'description', statement: `COMMENT ON TABLE x IS 'y'`, before: null, after: 'y', outcome: 'sent' })))
    auditMs += performance.now() - a0
    const s0 = performance.now()
    await store.settle('bench', claimed.map((o) => ({ id: o.id, op: o.op, status: 'applied' as const, report: { id: o.op.id, channel: 'docs', service: 'warehouse', asset: o.key.split('|')[1]!, level: 'table', kind: 'description', status: 'applied', statements: [`COMMENT ON TABLE x IS 'y'`], verified: true, warnings: [], origins: [] } })))
    settleMs += performance.now() - s0
  }
  const f0 = performance.now()
  const read = await store.operations({ runId: run })
  const readMs = performance.now() - f0
  console.log(`${kind} ${n}: enqueue ${(t1 - t0).toFixed(0)} ms, claim ${claimMs.toFixed(0)} ms, audit ${auditMs.toFixed(0)} ms, settle ${settleMs.toFixed(0)} ms, read back ${read.length} in ${readMs.toFixed(0)} ms; total ${(performance.now() - t0).toFixed(0)} ms`)
} finally {
  await done()
}
