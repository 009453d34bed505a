import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webhookPath } from '../../src/http/webhook-path.js'
import { signWebhookBody } from '../../src/openmetadata/webhook-signature.js'
import { killStarted, listRuns, startRevmeta, writeEvents, type Finished } from '../support/durable-cli.js'
import { createStore, notExactlyOnce, readStoreState, statusCounts, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'
import { startServe, stopServe } from '../support/serve-process.js'

/**
 * Issue 17: the embedded store is shared by processes. Through the command line only (bin/revmeta.js:
 * build first), on one store.dir: `revmeta serve` runs (its worker applies what its webhook
 * receives) while `revmeta ingest` fills the built-in catalog, two `revmeta apply` run side by side
 * and `revmeta runs` lists them. No process is refused (STORE_LOCKED), every comment ends as the
 * last event says, and every operation landed exactly once.
 */
const embedded = storeKinds.find((k) => k !== 'postgres')!
const TABLES = 24
const COLUMNS = 9 // 10 operations per table: 240 in all, 80 per writer
const secret = 'shared-store-secret'

let target: Target
let store: DurableStore
let config: string
let serve: { child: ChildProcess; address: Promise<string> } | undefined

beforeAll(async () => {
  target = await createTarget('rm_shared', { tables: TABLES, columns: COLUMNS })
  store = await createStore(embedded, 'rm_shared')
  config = path.join(store.dir, 'revmeta.yaml')
  await writeFile(
    config,
    JSON.stringify({
      catalog: { type: 'builtin', webhookSecret: secret },
      server: { host: '127.0.0.1', port: 0, auth: 'token' },
      store: store.config,
      execution: { retryBaseMs: 50, retryMaxMs: 500, pollMs: 50, batchSize: 20, leaseMs: 30_000 },
      services: [{ name: target.service, type: 'postgres', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: target.db.name, lockTimeoutMs: 2_000 } }],
    }),
  )
}, 60_000)

afterAll(async () => {
  await stopServe(serve?.child)
  killStarted()
  await store?.drop()
  await target?.drop()
})

const edits = (tables: readonly string[], tag: string): TableEdit[] =>
  tables.map((t) => ({ table: t, description: `${tag} ${t} — it's shared`, columns: Object.fromEntries(target.columns.map((c) => [c, `${tag} ${t}.${c}`])) }))

const refusedOrFailed = (what: string, f: Finished) => `${what} exited ${f.code}:\n${f.stderr.slice(-3_000)}`

describe('one embedded store, several revmeta processes at once', () => {
  it('serve + ingest + two applies + a worker + token create + runs: none refused, all applied exactly once', async () => {
    const third = TABLES / 3
    const byApplyA = edits(target.tables.slice(0, third), 'apply-a')
    const byApplyB = edits(target.tables.slice(third, 2 * third), 'apply-b')
    const byWebhook = edits(target.tables.slice(2 * third), 'webhook')
    const eventsA = await writeEvents(store, tableEvents(target, byApplyA))
    const eventsB = await writeEvents(store, tableEvents(target, byApplyB))

    serve = startServe(['--config', config])
    const address = await serve.address

    // Everything else at once, while serve runs: ingest, two applies, runs, webhook deliveries.
    const ingest = startRevmeta('ingest', '--config', config, '--json')
    const applyA = startRevmeta('apply', '--config', config, '--events', eventsA, '--json')
    const applyB = startRevmeta('apply', '--config', config, '--events', eventsB, '--json')
    const token = startRevmeta('token', 'create', '--config', config, '--role', 'viewer', '--name', 'beside-serve', '--json')
    const worker = startRevmeta('worker', '--config', config, '--drain')
    const deliveries = tableEvents(target, byWebhook).map(async (event) => {
      const body = JSON.stringify(event)
      const response = await fetch(`${address}${webhookPath}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-om-signature': signWebhookBody(body, secret) } })
      return { status: response.status, body: await response.text() }
    })
    const listings: Finished[] = []
    const lister = (async () => {
      for (let i = 0; i < 4; i++) listings.push(await startRevmeta('runs', '--config', config, '--json').exited)
    })()

    const [ingested, a, b, made, drained] = await Promise.all([ingest.exited, applyA.exited, applyB.exited, token.exited, worker.exited])
    await lister
    for (const d of await Promise.all(deliveries)) expect(d.status, d.body).toBe(200)
    expect(ingested.code, refusedOrFailed('ingest', ingested)).toBe(0)
    expect(a.code, refusedOrFailed('apply A', a)).toBe(0)
    expect(b.code, refusedOrFailed('apply B', b)).toBe(0)
    expect(made.code, refusedOrFailed('token create', made)).toBe(0)
    expect(drained.code, refusedOrFailed('worker --drain', drained)).toBe(0)
    for (const l of listings) expect(l.code, refusedOrFailed('runs', l)).toBe(0)
    for (const f of [ingested, a, b, made, drained, ...listings]) expect(f.stderr).not.toMatch(/STORE_LOCKED|SQLITE_BUSY/)
    // The token made beside serve is good for serve at once.
    const viewer = JSON.parse(made.stdout) as { token: string; name: string }
    const session = await fetch(`${address}/api/v1/revmeta/session`, { headers: { authorization: `Bearer ${viewer.token}` } })
    expect(session.status).toBe(200)
    expect(await session.json()).toMatchObject({ name: 'beside-serve', role: 'viewer' })
    expect((await fetch(`${address}/api/v1/revmeta/session`, { headers: { authorization: 'Bearer rvm_wrong' } })).status).toBe(401)
    expect(JSON.parse(ingested.stdout).services).toHaveLength(1)
    expect(JSON.parse(a.stdout).summary).toMatchObject({ applied: byApplyA.length * (COLUMNS + 1), failed: 0 })
    expect(JSON.parse(b.stdout).summary).toMatchObject({ applied: byApplyB.length * (COLUMNS + 1), failed: 0 })

    // The webhook's operations are applied by serve's worker, still running.
    const expected = expectedComments([...byApplyA, ...byApplyB, ...byWebhook])
    const deadline = Date.now() + 60_000
    while ((await target.countComments()) < expected.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(await target.comments()).toEqual(expected)

    // Read while serve still holds the store open, from this process and from `revmeta runs`.
    const runs = await listRuns(config)
    expect(runs.filter((r) => r.mode === 'apply').map((r) => r.counts)).toEqual([
      expect.objectContaining({ total: byApplyB.length * (COLUMNS + 1), applied: byApplyB.length * (COLUMNS + 1), pending: 0, running: 0, dead: 0 }),
      expect.objectContaining({ total: byApplyA.length * (COLUMNS + 1), applied: byApplyA.length * (COLUMNS + 1), pending: 0, running: 0, dead: 0 }),
    ])
    expect(runs.some((r) => r.mode === 'webhook')).toBe(true)
    const { operations, audit } = await readStoreState(store)
    expect(operations).toHaveLength(TABLES * (COLUMNS + 1))
    expect(statusCounts(operations)).toEqual({ applied: TABLES * (COLUMNS + 1) })
    expect(notExactlyOnce(operations, audit)).toEqual([])

    const child = serve.child
    const stopped = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await stopServe(child)
    expect(await stopped).toBe(0)
    serve = undefined
  }, 180_000)
})
