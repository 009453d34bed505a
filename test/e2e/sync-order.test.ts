import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { changeEvent } from '../support/om-events.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * Batch sync writes the catalog's current state, stamped with each entity's version and the time
 * it was read: an event of that version or older delivered afterwards is superseded, not sent.
 */
let pg: TempDatabase
let dir: string
let config: string

beforeAll(async () => {
  pg = await createTempDatabase('rm_sync_order')
  await pg.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.orders (id int); COMMENT ON TABLE sales.orders IS 'from the catalog'`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-sync-order-'))
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(
    config,
    stringify({
      catalog: { type: 'builtin' },
      services: [{ name: 'pg', type: 'postgres', connection: { database: pg.name } }],
      channels: [{ name: 'docs', sync: { descriptions: true, tags: false, owners: false } }],
    }),
  )
})

afterAll(async () => {
  await pg?.drop()
  await rm(dir, { recursive: true, force: true })
})

const comment = async () => (await pg.client.query(`SELECT obj_description('sales.orders'::regclass, 'pg_class') AS d`)).rows[0].d as string | null

describe('sync, then a delayed older event', () => {
  it('supersedes the event: the value sync wrote stays', async () => {
    const ingested = await revmeta('ingest', '--config', config, '--json')
    expect(ingested.code, ingested.stderr).toBe(0)
    // Drift behind the catalog's back: sync writes the catalog's value back.
    await pg.client.query(`COMMENT ON TABLE sales.orders IS 'edited in psql'`)
    const synced = await revmeta('sync', '--config', config, '--json')
    expect(synced.code, synced.stderr).toBe(0)
    const table = (JSON.parse(synced.stdout).operations as { asset: string; status: string }[]).find((o) => o.asset === `pg.${pg.name}.sales.orders`)
    expect(table?.status).toBe('applied')
    expect(await comment()).toBe('from the catalog')
    // An edit of an older version (a redelivery from before the sync), stamped later than the sync even.
    const event = changeEvent('table', `pg.${pg.name}.sales.orders`, { updated: [{ name: 'description', oldValue: 'x', newValue: 'stale edit' }] }, { currentVersion: 0.01, timestamp: Date.now() + 60_000 })
    const file = path.join(dir, 'late.json')
    await writeFile(file, JSON.stringify([event]))
    const late = await revmeta('apply', '--config', config, '--events', file, '--json')
    expect(late.code, late.stderr).toBe(0)
    expect(JSON.parse(late.stdout).operations[0]).toMatchObject({ status: 'superseded', statements: [] })
    expect(await comment()).toBe('from the catalog')
  }, 90_000)
})
