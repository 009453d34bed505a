import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactReport } from '../../src/store/store-rows.js'
import { loadMigrations, migrate } from '../../src/store/migrate.js'
import { openStore } from '../../src/store/open-store.js'
import { openPgliteRunner } from '../../src/store/pglite-runner.js'
import { upgradePgliteStore } from '../../src/store/pglite-upgrade.js'
import { sqliteFileName } from '../../src/store/sqlite-runner.js'
import { encodeStoreJson } from '../../src/store/store-text.js'
import { hashToken, TokenStore } from '../../src/store/token-store.js'
import { revmeta } from '../support/run-cli.js'
import { describeOp, report, tagsOp } from './store-support.js'

/**
 * An older revmeta's embedded store (PGlite, migrations 0001–0009, rows written as that revmeta
 * wrote them) copied into the SQLite store by `revmeta store upgrade`, then read back through the
 * store's API. Building a PGlite store costs seconds, so one is built and copied per case.
 */
let base: string
let template: string

const orders = describeOp('orders', 'Orders — with a NUL \u0000 and an unpaired \ud800 kept as received')
const tags = tagsOp('orders', ['PII.Sensitive'], ['Tier.Tier1'], 'evt-2')
const appliedReport = { ...report({ op: orders }, 'applied', true), current: 'old', desired: orders.description }
const uuid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`

async function buildOldStore(dir: string): Promise<void> {
  const runner = await openPgliteRunner(dir)
  try {
    await migrate(runner, 'revmeta', (await loadMigrations('postgres')).filter((m) => m.version <= 9))
    await runner.exec(`SET search_path TO revmeta`)
    const q = (sql: string, params: unknown[] = []) => runner.query(sql, params)
    await q(`INSERT INTO runs (id, mode, note, started_at, finished_at, counts) VALUES
      (1, 'apply', 'first', '2026-01-02T03:04:05.678Z', '2026-01-02T03:04:09.001Z', '{"total": 3, "applied": 1, "pending": 1, "dead": 1, "verified": 1}'),
      (2, 'webhook', NULL, '2026-01-03T00:00:00.5Z', NULL, '{}')`)
    // Runs 3 to 9 were deleted (upkeep): their ids must stay unused.
    await q(`SELECT setval('runs_id_seq', 9)`)
    await q(`SELECT setval('operation_seq', 41)`)
    await q(
      `INSERT INTO operations (id, run_id, key, service, seq, payload, status, attempts, last_error, report, run_at, created_at, updated_at) VALUES
        (1, 1, $1, 'warehouse', 3, $2, 'applied', 1, NULL, $3, '2026-01-02T03:04:06Z', '2026-01-02T03:04:05.7Z', '2026-01-02T03:04:08Z'),
        (2, 2, $4, 'warehouse', 40, $5, 'pending', 0, NULL, NULL, '2026-01-03T00:00:01Z', '2026-01-03T00:00:01Z', '2026-01-03T00:00:01Z'),
        (3, 1, 'docs|warehouse.shop.sales.gone|description', 'warehouse', 7, $6, 'dead', 5, $7, NULL, '2026-01-02T03:04:07Z', '2026-01-02T03:04:05.7Z', '2026-01-02T03:04:07Z')`,
      [
        orders.id,
        encodeStoreJson(orders),
        JSON.stringify(compactReport(appliedReport, orders)),
        tags.id,
        JSON.stringify(tags),
        JSON.stringify(describeOp('gone', 'x')),
        JSON.stringify({ code: 'OBJECT_NOT_FOUND', message: 'relation "sales.gone" does not exist', retryable: false }),
      ],
    )
    await q(`INSERT INTO audit (operation_id, run_id, attempt, service, asset, kind, statement, before, after, outcome, at) VALUES
      (1, 1, 1, 'warehouse', 'warehouse.shop.sales.orders', 'description', 'COMMENT ON TABLE sales.orders IS ''x''', '"old"', '"new"', 'sent', '2026-01-02T03:04:06.25Z'),
      (3, 1, 5, 'warehouse', 'warehouse.shop.sales.gone', 'description', 'COMMENT ON TABLE sales.gone IS ''x''', NULL, 'null', 'failed', '2026-01-02T03:04:07Z')`)
    await q(`INSERT INTO events (id, source, payload, received_at) VALUES ('evt-1', 'webhook', '{"id": "evt-1", "entityType": "table"}', '2026-01-03T00:00:00.4Z')`)
    // Enough rows for the copy to read in several pages.
    await q(`INSERT INTO events (id, source, payload) SELECT 'file-' || i, 'file', json_build_object('i', i) FROM generate_series(1, 4500) AS i`)
    await q(`INSERT INTO cursors (name, value) VALUES ('om-poll', '1767398400000')`)
    await q(`INSERT INTO change_orders (service, asset, kind, item, ord, operation_id) VALUES ('warehouse', 'warehouse.shop.sales.orders', 'description', '', '{"version": 1.5, "timestamp": 1767398400000}', 1)`)
    await q(`INSERT INTO api_tokens (id, name, role, token_hash, created_at, last_used_at, revoked_at) VALUES
      (1, 'ci', 'editor', $1, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00.123Z', NULL),
      (2, 'old', 'admin', $2, '2026-01-01T00:00:00Z', NULL, '2026-01-01T12:00:00Z')`, [hashToken('rvm_ci'), hashToken('rvm_old')])
    await q(`SELECT setval('api_tokens_id_seq', 5)`)
    await q(`INSERT INTO ui_channels (name, body, schedule, updated_by) VALUES ('nightly', '{"name": "nightly"}', '0 3 * * *', 'ci')`)
    await q(`INSERT INTO web_sessions (id_hash, csrf_hash, token_id, name, role, expires_at) VALUES ('sid', 'csrf', 1, 'ci', 'editor', '2099-01-01T00:00:00Z')`)
    await q(`INSERT INTO sign_in_links (secret_hash, name, role, expires_at, used_at) VALUES ('link', 'admin', 'admin', '2026-01-01T00:10:00Z', '2026-01-01T00:01:00Z')`)
    await q(`INSERT INTO catalog_entities (id, entity_type, fqn, service, database_fqn, parent_fqn, json, deleted, updated_at) VALUES
      ($1, 'table', 'warehouse.shop.sales.orders', 'warehouse', 'warehouse.shop', 'warehouse.shop.sales', '{"name": "orders", "columns": []}', true, 1767398400000)`, [uuid(1)])
    await q(`INSERT INTO catalog_users (id, name, is_bot, updated_at) VALUES ($1, 'alice', false, 1), ($2, 'bot', true, 2)`, [uuid(2), uuid(3)])
    await q(`INSERT INTO catalog_teams (id, name, updated_at) VALUES ($1, 'finance', 1)`, [uuid(4)])
    await q(`INSERT INTO catalog_team_members (team_id, user_id) VALUES ($1, $2)`, [uuid(4), uuid(2)])
    await q(`INSERT INTO catalog_classifications (id, name, mutually_exclusive, updated_at) VALUES ($1, 'Tier', true, 1)`, [uuid(5)])
    await q(`INSERT INTO catalog_tags (id, classification_id, name, fqn, updated_at) VALUES ($1, $2, 'Tier1', 'Tier.Tier1', 1)`, [uuid(6), uuid(5)])
    await q(`INSERT INTO catalog_events (id, timestamp, event_type, entity_type, fqn, payload) VALUES ($1, 1767398400000, 'entityUpdated', 'table', 'warehouse.shop.sales.orders', '{"a": 1}')`, [uuid(7)])
    await q(`INSERT INTO catalog_subscriptions (id, name, endpoint, headers, enabled, updated_at) VALUES ($1, 'self', 'http://127.0.0.1/hook', '{"X-A": "b"}', false, 1)`, [uuid(8)])
  } finally {
    await runner.close()
  }
}

async function copyOfOldStore(name: string): Promise<string> {
  const dir = path.join(base, name)
  await (await import('node:fs/promises')).cp(template, dir, { recursive: true })
  return dir
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'revmeta-upgrade-'))
  template = path.join(base, 'template')
  await buildOldStore(template)
}, 60_000)

afterAll(() => rm(base, { recursive: true, force: true }))

describe('revmeta store upgrade: an older revmeta PGlite store into the SQLite store', () => {
  it('refuses the old store until upgraded, then every row reads back through the store', async () => {
    const dir = await copyOfOldStore('full')
    await expect(openStore({ dir })).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE', message: expect.stringContaining(`revmeta store upgrade --config <your config>\` (or \`--dir ${dir}\`)`) })

    const result = await upgradePgliteStore(dir, 'revmeta')
    expect(result).toMatchObject({ outcome: 'copied', backup: path.join(dir, 'pglite-backup') })
    expect(result.rows).toMatchObject({ runs: 2, operations: 3, audit: 2, events: 4_501, cursors: 1, change_orders: 1, api_tokens: 2, ui_channels: 1, web_sessions: 1, sign_in_links: 1 })
    expect(result.rows).toMatchObject({ catalog_entities: 1, catalog_users: 2, catalog_teams: 1, catalog_team_members: 1, catalog_classifications: 1, catalog_tags: 1, catalog_events: 1, catalog_subscriptions: 1 })
    // Only the SQLite file and the backup are left in store.dir; the backup is a whole PGlite directory.
    expect((await readdir(dir)).sort()).toEqual(['pglite-backup', sqliteFileName])
    expect(existsSync(path.join(dir, 'pglite-backup', 'PG_VERSION'))).toBe(true)
    expect(existsSync(path.join(dir, 'pglite-backup', 'base'))).toBe(true)

    // As SQLite holds them: times ISO-8601 UTC text with milliseconds, booleans 0/1, uuids and JSON text, ids integers.
    const { default: Sqlite } = await import('better-sqlite3')
    const raw = new Sqlite(path.join(dir, sqliteFileName), { readonly: true })
    try {
      expect(raw.prepare(`SELECT id, typeof(id) AS t, started_at, finished_at, counts FROM runs ORDER BY id`).all()).toEqual([
        { id: 1, t: 'integer', started_at: '2026-01-02T03:04:05.678Z', finished_at: '2026-01-02T03:04:09.001Z', counts: '{"dead": 1, "total": 3, "applied": 1, "pending": 1, "verified": 1}' },
        { id: 2, t: 'integer', started_at: '2026-01-03T00:00:00.500Z', finished_at: null, counts: '{}' },
      ])
      expect(raw.prepare(`SELECT id, deleted, typeof(updated_at) AS t FROM catalog_entities`).get()).toEqual({ id: uuid(1), deleted: 1, t: 'integer' })
      expect(raw.prepare(`SELECT name, is_bot FROM catalog_users ORDER BY name`).all()).toEqual([{ name: 'alice', is_bot: 0 }, { name: 'bot', is_bot: 1 }])
      expect(raw.prepare(`SELECT enabled, headers FROM catalog_subscriptions`).get()).toEqual({ enabled: 0, headers: '{"X-A": "b"}' })
      expect(raw.prepare(`SELECT value FROM counters WHERE name = 'operation_seq'`).get()).toEqual({ value: 41 })
      expect(raw.prepare(`SELECT count(DISTINCT id) AS n, sum(CAST(json_extract(payload, '$.i') AS integer)) AS total FROM events WHERE source = 'file'`).get()).toEqual({ n: 4_500, total: (4_500 * 4_501) / 2 })
      expect(raw.prepare(`SELECT name, seq FROM sqlite_sequence WHERE name IN ('runs', 'operations', 'api_tokens', 'catalog_events') ORDER BY name`).all()).toEqual([
        { name: 'api_tokens', seq: 5 },
        { name: 'catalog_events', seq: 1 },
        { name: 'operations', seq: 3 },
        { name: 'runs', seq: 9 },
      ])
      expect(raw.pragma('journal_mode', { simple: true })).toBe('delete') // one self-contained file until first opened
    } finally {
      raw.close()
    }

    const store = await openStore({ dir })
    try {
      const runs = await store.listRuns(10)
      expect(runs.map((r) => [r.id, r.mode, r.note])).toEqual([
        [2, 'webhook', undefined],
        [1, 'apply', 'first'],
      ])
      expect(runs[1]!.startedAt.toISOString()).toBe('2026-01-02T03:04:05.678Z')
      expect(runs[1]!.finishedAt?.toISOString()).toBe('2026-01-02T03:04:09.001Z')
      expect(runs[1]!.counts).toMatchObject({ total: 3, applied: 1, dead: 1, verified: 1 })
      expect(runs[0]!.finishedAt).toBeUndefined()

      const ops = (await store.operations({})).sort((a, b) => a.id - b.id)
      expect(ops.map((o) => [o.id, o.runId, o.seq, o.status, o.attempts])).toEqual([
        [1, 1, 3, 'applied', 1],
        [2, 2, 40, 'pending', 0],
        [3, 1, 7, 'dead', 5],
      ])
      expect(ops[0]!.op).toEqual(orders) // NUL and the lone surrogate decoded as they were received
      expect(ops[0]!.report).toEqual(appliedReport)
      expect(ops[1]!.op).toEqual(tags)
      expect(ops[1]!.runAt.toISOString()).toBe('2026-01-03T00:00:01.000Z')
      expect(ops[2]!.lastError).toEqual({ code: 'OBJECT_NOT_FOUND', message: 'relation "sales.gone" does not exist', retryable: false })
      expect(await store.unsettled()).toBe(1)

      const audit = await store.audit({ runId: 1 })
      expect(audit.map((a) => [a.operationId, a.attempt, a.outcome, a.before, a.after])).toEqual([
        [1, 1, 'applied', 'old', 'new'], // `sent` by the attempt that applied: the audit view says applied
        [3, 5, 'failed', undefined, null], // not known vs known to be absent
      ])
      expect(audit[0]!.at?.toISOString()).toBe('2026-01-02T03:04:06.250Z')

      expect(await store.getCursor('om-poll')).toBe('1767398400000')
      const tokens = TokenStore.of(store)
      expect((await tokens.list()).map((t) => [t.id, t.name, t.role, t.revokedAt?.toISOString() ?? null])).toEqual([
        [1, 'ci', 'editor', null],
        [2, 'old', 'admin', '2026-01-01T12:00:00.000Z'],
      ])
      expect((await tokens.verify('rvm_ci'))?.name).toBe('ci')
      expect(await tokens.verify('rvm_old')).toBeUndefined()

      // Ids and the queue order go on where the old store's sequences stood.
      expect(await store.createRun('apply')).toBe(10)
      expect((await tokens.create({ role: 'viewer', name: 'next' })).record.id).toBe(6)
      const run = await store.createRun('apply')
      expect(await store.enqueue(run, [describeOp('fresh', 'after the upgrade')])).toEqual({ inserted: 1, coalesced: 0 })
      const [fresh] = await store.operations({ runId: run })
      expect(fresh!.seq).toBeGreaterThan(41)
      expect(fresh!.id).toBeGreaterThan(3)
      // The pending operation of the old store is coalesced into like any other.
      expect(await store.enqueue(run, [tagsOp('orders', ['PII.Email'], [], 'evt-3')])).toEqual({ inserted: 0, coalesced: 1 })
    } finally {
      await store.close()
    }
    expect((await upgradePgliteStore(dir, 'revmeta')).outcome).toBe('finished')
  }, 60_000)

  it('starts again after a crash before the copy was in place, and only finishes moving after one after it', async () => {
    const dir = await copyOfOldStore('crashed')
    // A crash mid-copy leaves the staging directory, never a SQLite file in store.dir.
    await mkdir(path.join(dir, '.upgrade-staging'))
    await writeFile(path.join(dir, '.upgrade-staging', sqliteFileName), 'torn')
    expect((await upgradePgliteStore(dir, 'revmeta')).outcome).toBe('copied')
    expect(existsSync(path.join(dir, '.upgrade-staging'))).toBe(false)

    // A crash after the rename, mid-move: PG_VERSION (moved last) and a few files still in store.dir.
    const again = await copyOfOldStore('crashed-late')
    expect((await upgradePgliteStore(again, 'revmeta')).outcome).toBe('copied')
    const backup = path.join(again, 'pglite-backup')
    for (const name of ['PG_VERSION', 'postgresql.conf']) await (await import('node:fs/promises')).rename(path.join(backup, name), path.join(again, name))
    await expect(openStore({ dir: again }).then((s) => s.close())).resolves.toBeUndefined() // the copy is complete: served already
    const store = await openStore({ dir: again })
    await store.createRun('sync') // written after the upgrade: a re-run must not copy over it
    await store.close()
    const finished = await upgradePgliteStore(again, 'revmeta')
    expect(finished).toMatchObject({ outcome: 'finished', backup })
    expect((await readdir(again)).sort()).toEqual(['pglite-backup', sqliteFileName])
    expect(existsSync(path.join(backup, 'PG_VERSION'))).toBe(true)
    const reopened = await openStore({ dir: again })
    try {
      expect((await reopened.listRuns(1))[0]).toMatchObject({ id: 10, mode: 'sync' })
    } finally {
      await reopened.close()
    }
  }, 60_000)

  it('refuses while an older revmeta holds the PGlite store, and says when there is nothing to upgrade', async () => {
    const dir = await copyOfOldStore('held')
    const old = await openPgliteRunner(dir)
    try {
      await expect(upgradePgliteStore(dir, 'revmeta')).rejects.toMatchObject({ code: 'STORE_LOCKED' })
    } finally {
      await old.close()
    }
    expect(existsSync(path.join(dir, sqliteFileName))).toBe(false)
    await expect(upgradePgliteStore(dir, 'elsewhere')).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE', message: expect.stringContaining('no revmeta schema elsewhere') })
    expect(existsSync(path.join(dir, sqliteFileName))).toBe(false)
    expect(await upgradePgliteStore(path.join(base, 'empty'), 'revmeta')).toMatchObject({ outcome: 'none' })
  }, 60_000)

  it('through the command line (bin/revmeta.js: build first): --config reads store.dir, a re-run says it is done', async () => {
    const dir = await copyOfOldStore('cli')
    const config = path.join(base, 'cli.yaml')
    await writeFile(config, `store: { dir: ${JSON.stringify(path.relative(base, dir))} }\nservices: [{ name: w, type: postgres, connection: { database: postgres } }]\n`)
    const first = await revmeta('store', 'upgrade', '--config', config)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toMatch(/copied the PGlite store into .*revmeta\.sqlite \(.*\); the old files are in .*pglite-backup/)
    expect(first.stderr).toMatch(/\b3 operations, 2 runs\b/)
    const again = await revmeta('store', 'upgrade', '--dir', dir, '--json')
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'finished', store: path.join(dir, sqliteFileName) })
    const neither = await revmeta('store', 'upgrade')
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain('either --config <file> or --dir <store directory>')
    await writeFile(config, `store: { url: "postgres://postgres@127.0.0.1:5432/postgres" }\nservices: [{ name: w, type: postgres, connection: { database: postgres } }]\n`)
    const remote = await revmeta('store', 'upgrade', '--config', config)
    expect(remote.code).toBe(2)
    expect(remote.stderr).toContain('store.url is set')
  }, 60_000)

  it('upgrades a store an even older revmeta left at migration 0002 (no catalog, tokens or orders yet)', async () => {
    const dir = path.join(base, 'v2')
    const runner = await openPgliteRunner(dir)
    try {
      await migrate(runner, 'revmeta', (await loadMigrations('postgres')).filter((m) => m.version <= 2))
      await runner.query(`INSERT INTO revmeta.runs (mode, started_at) VALUES ('poll', '2025-06-01T00:00:00Z')`)
      await runner.query(`INSERT INTO revmeta.operations (run_id, key, service, payload) VALUES (1, $1, 'warehouse', $2)`, [orders.id, encodeStoreJson(orders)])
    } finally {
      await runner.close()
    }
    const result = await upgradePgliteStore(dir, 'revmeta')
    expect(result.rows).toEqual({ audit: 0, cursors: 0, events: 0, operations: 1, runs: 1 })
    const store = await openStore({ dir })
    try {
      expect((await store.listRuns(5)).map((r) => [r.id, r.mode, r.startedAt.toISOString()])).toEqual([[1, 'poll', '2025-06-01T00:00:00.000Z']])
      const [op] = await store.operations({})
      expect(op).toMatchObject({ id: 1, seq: 1, status: 'pending', op: orders })
    } finally {
      await store.close()
    }
  }, 60_000)
})
