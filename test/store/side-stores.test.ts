import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiRoleNames } from '../../src/model/api-roles.js'
import { catalogAssetCounts } from '../../src/store/catalog-asset-counts.js'
import { RunQueries } from '../../src/store/run-queries.js'
import { SessionStore } from '../../src/store/session-store.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { TokenStore } from '../../src/store/token-store.js'
import { UiChannelStore } from '../../src/store/ui-channel-store.js'
import { bothTargets } from './store-support.js'

/**
 * The tables kept beside the queue (tokens, sessions, web app channels, the runs listing, the
 * catalog's counts): one SQL text, the same answers on the embedded SQLite store and PostgreSQL.
 * Runs and operations are written with plain SQL here, so these tests stand apart from the queue.
 */
describe.each(bothTargets())('side stores on $name', (target) => {
  let store: SqlStateStore
  let t: string

  beforeAll(async () => {
    await target.setup()
  }, 60_000)
  afterAll(async () => {
    await target.teardown()
  })

  const fresh = async () => {
    store = await target.fresh()
    t = store.sqlRunner.dialect.tables(store.schema)
  }

  async function run(mode: string, finished: { counts: Record<string, number> } | undefined, note?: string): Promise<number> {
    const [row] = await store.sqlRunner.query<{ id: number | string }>(`INSERT INTO ${t}.runs (mode, note, finished_at, counts) VALUES ($1, $2, $3, $4) RETURNING id`, [
      mode,
      note ?? null,
      finished ? new Date() : null,
      JSON.stringify(finished?.counts ?? {}),
    ])
    return Number(row!.id)
  }

  let seq = 0
  async function op(runId: number, key: string, status: string, report?: unknown): Promise<void> {
    const service = key.split('|')[1]!.split('.')[0]!
    await store.sqlRunner.query(`INSERT INTO ${t}.operations (run_id, key, service, seq, payload, status, report) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      runId,
      key,
      service,
      ++seq,
      '{}',
      status,
      report === undefined ? null : JSON.stringify(report),
    ])
  }

  describe('runs', () => {
    let ok: number, dead: number, going: number, synced: number
    const stamped = { pending: 0, running: 0, applied: 3, unchanged: 0, unsupported: 0, skipped: 0, superseded: 0, dead: 0, total: 3, verified: 2 }

    beforeAll(async () => {
      await fresh()
      ok = await run('apply', { counts: stamped }, 'first')
      await op(ok, 'docs|wh.shop.sales.a|description', 'applied')
      dead = await run('apply', { counts: { ...stamped, applied: 1, dead: 2 } })
      await op(dead, 'docs2|lake.shop.sales.b|description', 'dead')
      synced = await run('sync', { counts: { ...stamped } })
      await op(synced, 'tags|wh.shop.sales.c|tags', 'applied')
      going = await run('webhook', undefined)
      await op(going, 'docs|wh.shop.sales.d|description', 'applied', { status: 'applied', verified: true })
      await op(going, 'docs|wh.shop.sales.e|description', 'applied', { status: 'applied', verified: false })
      // A string holding the text must not count: only the report's own field does.
      await op(going, 'docs|wh.shop.sales.f|description', 'dead', { status: 'failed', desired: '"verified":true', nested: { verified: 'true' } })
      await op(going, 'docs|wh.shop.sales.g|description', 'pending')
    })

    it('lists newest first: stamped counts for finished runs, live counts (with verified) for the one still going', async () => {
      const runs = await RunQueries.of(store).list({ limit: 10 })
      expect(runs.map((r) => r.id)).toEqual([going, synced, dead, ok])
      expect(runs[3]).toMatchObject({ id: ok, mode: 'apply', note: 'first', counts: stamped })
      // The same key order on both databases (jsonb sorts its keys by length).
      expect(Object.keys(runs[3]!.counts)).toEqual(Object.keys(stamped))
      expect(runs[3]!.finishedAt).toBeInstanceOf(Date)
      expect(runs[3]!.startedAt.getTime()).toBeGreaterThan(Date.now() - 600_000)
      expect(runs[0]!.finishedAt).toBeUndefined()
      expect(runs[0]!.counts).toEqual({ pending: 1, running: 0, applied: 2, unchanged: 0, unsupported: 0, skipped: 0, superseded: 0, dead: 1, total: 4, verified: 1 })
      expect((await RunQueries.of(store).list({ limit: 2 })).map((r) => r.id)).toEqual([going, synced])
    })

    it('filters by state from the stamped dead count', async () => {
      const ids = async (state: 'running' | 'failed' | 'succeeded') => (await RunQueries.of(store).list({ limit: 10, state })).map((r) => r.id)
      expect(await ids('running')).toEqual([going])
      expect(await ids('failed')).toEqual([dead])
      expect(await ids('succeeded')).toEqual([synced, ok])
    })

    it('filters by mode, service and channel (a channel is a whole first part of the key)', async () => {
      const q = RunQueries.of(store)
      expect((await q.list({ limit: 10, mode: 'sync' })).map((r) => r.id)).toEqual([synced])
      expect((await q.list({ limit: 10, service: 'lake' })).map((r) => r.id)).toEqual([dead])
      expect((await q.list({ limit: 10, service: 'wh' })).map((r) => r.id)).toEqual([going, synced, ok])
      expect((await q.list({ limit: 10, channel: 'docs' })).map((r) => r.id)).toEqual([going, ok])
      expect((await q.list({ limit: 10, channel: 'docs2' })).map((r) => r.id)).toEqual([dead])
      expect((await q.list({ limit: 10, channel: 'doc' })).map((r) => r.id)).toEqual([])
      expect((await q.list({ limit: 10, channel: 'docs', state: 'succeeded', mode: 'apply', service: 'wh' })).map((r) => r.id)).toEqual([ok])
    })

    it('says each service its newest run', async () => {
      const last = await RunQueries.of(store).lastRuns()
      expect([...last.keys()].sort()).toEqual(['lake', 'wh'])
      expect(last.get('wh')!.runId).toBe(going)
      expect(last.get('lake')!.runId).toBe(dead)
      expect(last.get('wh')!.at).toBeInstanceOf(Date)
      expect(Number.isNaN(last.get('wh')!.at.getTime())).toBe(false)
    })
  })

  describe('tokens and sessions', () => {
    beforeAll(fresh)

    it('creates, verifies, lists and revokes tokens', async () => {
      const tokens = TokenStore.of(store)
      const made = await tokens.create({ role: 'editor', name: 'ci' })
      expect(made.record).toMatchObject({ name: 'ci', role: 'editor' })
      expect(made.record.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000)
      await expect(tokens.create({ role: 'viewer', name: 'ci' })).rejects.toMatchObject({ code: 'TOKEN_NAME_TAKEN' })
      const seen = await tokens.verify(made.token)
      expect(seen).toMatchObject({ id: made.record.id, role: 'editor' })
      expect((await tokens.list())[0]!.lastUsedAt).toBeInstanceOf(Date)
      expect(await tokens.verify(`${made.token}x`)).toBeUndefined()
      expect(await tokens.activeCount()).toBe(1)
      const other = await tokens.create({ role: 'admin' })
      expect((await tokens.revoke(String(other.record.id))).already).toBe(false)
      const revoked = await tokens.revoke('ci')
      expect(revoked.already).toBe(false)
      expect(revoked.record.revokedAt).toBeInstanceOf(Date)
      expect((await tokens.revoke('ci')).already).toBe(true)
      expect(await tokens.verify(made.token)).toBeUndefined()
      expect(await tokens.activeCount()).toBe(0)
      await expect(tokens.revoke('nobody')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' })
      expect((await tokens.list()).map((x) => x.id)).toEqual([made.record.id, other.record.id])
    })

    it('the store holds exactly the roles of the one role list', async () => {
      for (const role of apiRoleNames) expect((await TokenStore.of(store).create({ role, name: `each-${role}` })).record.role).toBe(role)
      await expect(
        store.sqlRunner.query(`INSERT INTO ${t}.api_tokens (name, role, token_hash) VALUES ($1, $2, $3)`, ['rogue', 'root', 'x'.repeat(64)]),
      ).rejects.toThrow()
    })

    it('keeps sessions until they expire, end, or their token is revoked', async () => {
      const sessions = SessionStore.of(store)
      const csrf = (id: string) => `csrf-${id}`
      const live = await sessions.create({ name: 'ann', role: 'viewer' }, 60_000, csrf)
      expect(await sessions.verify(live.id, csrf(live.id))).toMatchObject({ name: 'ann', role: 'viewer', csrfOk: true })
      expect((await sessions.verify(live.id, 'wrong'))!.csrfOk).toBe(false)
      expect(await sessions.verify(`${live.id}x`)).toBeUndefined()
      const expired = await sessions.create({ name: 'old', role: 'admin' }, -1_000, csrf)
      expect(await sessions.verify(expired.id)).toBeUndefined()
      const token = await TokenStore.of(store).create({ role: 'admin', name: 'for-session' })
      const bound = await sessions.create({ name: 'for-session', role: 'admin', tokenId: token.record.id }, 60_000, csrf)
      expect(await sessions.verify(bound.id)).toBeDefined()
      await TokenStore.of(store).revoke('for-session')
      expect(await sessions.verify(bound.id)).toBeUndefined()
      await sessions.end(live.id)
      expect(await sessions.verify(live.id)).toBeUndefined()
      // Creating a session clears the expired ones.
      const [left] = await store.sqlRunner.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t}.web_sessions WHERE name = $1`, ['old'])
      expect(Number(left!.n)).toBe(0)
    })

    it('uses a sign-in link once, and never after it expires', async () => {
      const sessions = SessionStore.of(store)
      const link = await sessions.createLink({ name: 'bo', role: 'editor' }, 60_000)
      expect(await sessions.useLink(link)).toEqual({ name: 'bo', role: 'editor' })
      expect(await sessions.useLink(link)).toBeUndefined()
      const stale = await sessions.createLink({ name: 'cy', role: 'viewer' }, -1_000)
      expect(await sessions.useLink(stale)).toBeUndefined()
    })
  })

  describe('web app channels', () => {
    beforeAll(fresh)

    it('keeps a body and a schedule apart, and deletes', async () => {
      const channels = UiChannelStore.of(store)
      await channels.putBody('web', { name: 'web', text: 'nul \u0000 and é' }, 'ann')
      await channels.putSchedule('web', '*/5 * * * *', 'bo')
      await channels.putSchedule('yaml-only', '0 * * * *', 'bo')
      await channels.putBody('web', { name: 'web', text: 'second' }, 'cy')
      const list = await channels.list()
      expect(list.map((c) => c.name)).toEqual(['web', 'yaml-only'])
      expect(list[0]).toMatchObject({ body: { name: 'web', text: 'second' }, schedule: '*/5 * * * *', updatedBy: 'cy' })
      expect(list[1]!.body).toBeUndefined()
      expect(list[1]!.updatedAt).toBeInstanceOf(Date)
      await channels.putSchedule('web', undefined, 'cy')
      expect((await channels.list())[0]!.schedule).toBeUndefined()
      await channels.putBody('nul', { text: 'a\u0000b' }, 'ann')
      expect((await channels.list()).find((c) => c.name === 'nul')!.body).toEqual({ text: 'a\u0000b' })
      expect(await channels.delete('web')).toBe(true)
      expect(await channels.delete('web')).toBe(false)
    })
  })

  describe('catalog asset counts', () => {
    beforeAll(fresh)

    it('counts live databases, schemas, tables and their columns per service', async () => {
      const put = (entityType: string, fqn: string, json: unknown, deleted = false) =>
        store.sqlRunner.query(`INSERT INTO ${t}.catalog_entities (id, entity_type, fqn, service, json, deleted, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          randomUUID(),
          entityType,
          fqn,
          fqn.split('.')[0],
          JSON.stringify(json),
          deleted,
          Date.now(),
        ])
      await put('database', 'wh.shop', {})
      await put('databaseSchema', 'wh.shop.sales', {})
      await put('table', 'wh.shop.sales.a', { columns: [{ name: 'x' }, { name: 'y' }] })
      await put('table', 'wh.shop.sales.b', { columns: [{ name: 'z' }] })
      await put('table', 'wh.shop.sales.c', { name: 'no columns' })
      await put('table', 'wh.shop.sales.gone', { columns: [{ name: 'x' }] }, true)
      await put('database', 'lake.raw', {})
      const counts = await catalogAssetCounts(store)
      expect(counts.get('wh')).toEqual({ databases: 1, schemas: 1, tables: 3, columns: 3 })
      expect(counts.get('lake')).toEqual({ databases: 1, schemas: 0, tables: 0, columns: 0 })
    })
  })
})
