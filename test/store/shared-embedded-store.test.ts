import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open-store.js'

/**
 * The embedded store (SQLite, WAL) is shared by processes: no lock file, no STORE_LOCKED. Each
 * process here opens the store on its own while the others write: three enqueue at once (the
 * queue order comes from one counter, taken in blocks), then three claim and settle at once, and
 * this process reads all along. Every operation is queued once, with a seq of its own, and claimed
 * by exactly one process.
 */
const repo = fileURLToPath(new URL('../../', import.meta.url))
const openStoreModule = fileURLToPath(new URL('../../src/store/open-store.ts', import.meta.url))
const PER_PRODUCER = 300

interface ChildResult {
  readonly code: number | null
  readonly out: Record<string, unknown>
  readonly stderr: string
}

/** A child process running `body` with `store` open (a fresh openStore of `dir`); prints what body returns, as JSON. */
function child(dir: string, body: string): Promise<ChildResult> {
  const code = `
    const { openStore } = await import(${JSON.stringify(openStoreModule)})
    const store = await openStore({ dir: ${JSON.stringify(dir)} })
    try {
      const result = await (async () => { ${body} })()
      process.stdout.write(JSON.stringify(result))
    } finally {
      await store.close()
    }`
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.once('error', reject)
    proc.once('close', (exit) => {
      let out: Record<string, unknown> = {}
      try {
        out = JSON.parse(stdout) as Record<string, unknown>
      } catch {
        // reported through code and stderr below
      }
      resolve({ code: exit, out, stderr })
    })
  })
}

const producer = (p: number) => `
  const run = await store.createRun('apply')
  let inserted = 0
  for (let i = 0; i < ${PER_PRODUCER}; i += 25) {
    const ops = Array.from({ length: 25 }, (_, k) => {
      const table = 'p${p}_t' + (i + k)
      return { id: 'docs|warehouse.shop.sales.' + table + '|description', channel: 'docs', service: 'warehouse', kind: 'description', description: 'from ${p}', origins: [{ source: 'event', index: i + k }],
        asset: { service: 'warehouse', database: 'shop', schema: 'sales', table, level: 'table' } }
    })
    inserted += (await store.enqueue(run, ops)).inserted
    await store.setCursor('producer-${p}', String(i))
  }
  return { run, inserted }`

const claimer = (w: number, total: number) => `
  const claimed = []
  for (let idle = 0; idle < 1_000; ) {
    const batch = await store.claim('w${w}', { limit: 17 })
    if (batch.length === 0) {
      if ((await store.unsettled()) === 0 && (await store.operations({})).length >= ${total}) break
      idle++
      await new Promise((r) => setTimeout(r, 20))
      continue
    }
    claimed.push(...batch.map((o) => o.id))
    await store.settle('w${w}', batch.map((o) => ({ id: o.id, status: 'applied', report: { id: o.op.id, channel: o.op.channel, service: o.op.service, asset: o.key.split('|')[1], level: 'table', kind: o.op.kind, status: 'applied', statements: ['COMMENT ON TABLE x IS y'], warnings: [], origins: [] } })))
  }
  return { claimed }`

let base: string

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'revmeta-shared-'))
})
afterAll(() => rm(base, { recursive: true, force: true }))

describe('the embedded store shared by processes', () => {
  it('three processes enqueue and three claim at once, while this one reads: each operation once, claimed once', async () => {
    const dir = path.join(base, 'store')
    const reader = await openStore({ dir }) // open before the others and all along: nothing refuses them
    try {
      const total = 3 * PER_PRODUCER
      let reads = 0
      let producing = true
      const reading = (async () => {
        while (producing) {
          await reader.listRuns(5)
          reads++
          await new Promise((r) => setTimeout(r, 10))
        }
      })()
      // The claimers start with the producers: they claim while operations arrive.
      const results = await Promise.all([0, 1, 2].map((p) => child(dir, producer(p))).concat([0, 1, 2].map((w) => child(dir, claimer(w, total)))))
      producing = false
      await reading
      for (const r of results) {
        expect(r.code, r.stderr.slice(-2_000)).toBe(0)
        expect(r.stderr).not.toMatch(/STORE_LOCKED|SQLITE_BUSY/)
      }
      expect(results.slice(0, 3).map((r) => r.out.inserted)).toEqual([PER_PRODUCER, PER_PRODUCER, PER_PRODUCER])
      const claimed = results.slice(3).flatMap((r) => r.out.claimed as number[])
      expect(claimed).toHaveLength(total)
      expect(new Set(claimed).size).toBe(total)
      expect(reads).toBeGreaterThan(0)

      const ops = await reader.operations({})
      expect(ops).toHaveLength(total)
      expect(new Set(ops.map((o) => o.seq)).size).toBe(total) // one counter across processes: no seq twice
      expect(ops.every((o) => o.status === 'applied')).toBe(true)
      for (const p of [0, 1, 2]) expect(await reader.getCursor(`producer-${p}`)).toBe(String(PER_PRODUCER - 25))
      const runs = await reader.listRuns(10)
      expect(runs).toHaveLength(3)
    } finally {
      await reader.close()
    }
  }, 120_000)
})
