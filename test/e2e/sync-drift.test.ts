import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * The built-in catalog over the local PostgreSQL and MariaDB: ingest, then drift made behind the
 * catalog's back, then `revmeta sync` writes exactly the drifted objects and nothing else.
 */
let pg: TempDatabase
let maria: mysql.Connection
let dir: string
let config: string
const mariaDb = `rm_sync_${Date.now().toString(36)}${process.pid.toString(36)}`

type Op = { asset: string; kind: string; status: string; desired?: string; current?: string }

beforeAll(async () => {
  pg = await createTempDatabase('rm_sync')
  await pg.client.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id int, status text);
    CREATE TABLE sales.customers (id int, email text);
    COMMENT ON TABLE sales.orders IS 'Orders placed on the shop';
    COMMENT ON COLUMN sales.orders.status IS 'placed, paid or shipped';
    COMMENT ON TABLE sales.customers IS 'People who buy';
    COMMENT ON COLUMN sales.customers.email IS 'Login e-mail';`)
  try {
    maria = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', multipleStatements: true })
  } catch (err) {
    throw new Error(`This test needs MariaDB at 127.0.0.1:3306 (user root, empty password): ${(err as Error).message}`)
  }
  await maria.query(`CREATE DATABASE ${mariaDb}; CREATE TABLE ${mariaDb}.events (id INT PRIMARY KEY COMMENT 'Event id', kind VARCHAR(10) NOT NULL DEFAULT 'click' COMMENT 'What happened') COMMENT 'Clickstream'`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-sync-'))
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(
    config,
    stringify({
      catalog: { type: 'builtin' },
      services: [
        { name: 'pg', type: 'postgres', connection: { database: pg.name } },
        { name: 'maria', type: 'mysql', connection: { host: '127.0.0.1', port: 3306, user: 'root' } },
      ],
      channels: [{ name: 'docs', sync: { descriptions: true, tags: false, owners: false } }],
    }),
  )
})

afterAll(async () => {
  await pg?.drop()
  await maria?.query(`DROP DATABASE IF EXISTS ${mariaDb}`)
  await maria?.end()
  await rm(dir, { recursive: true, force: true })
})

const active = (ops: Op[]) => ops.filter((o) => o.status !== 'unchanged').map((o) => `${o.asset}:${o.status}`).sort()
const mine = (ops: Op[]) => ops.filter((o) => o.asset.startsWith(`pg.${pg.name}.`) || o.asset.startsWith(`maria.default.${mariaDb}.`))

describe('revmeta sync against the built-in catalog', () => {
  it('finds no drift right after ingest', async () => {
    const ingested = await revmeta('ingest', '--config', config, '--json')
    expect(ingested.code, ingested.stderr).toBe(0)
    const { code, stdout } = await revmeta('sync', '--config', config, '--dry-run', '--json')
    expect(code, stdout).toBe(0)
    const ops = mine(JSON.parse(stdout).operations)
    expect(ops.length).toBeGreaterThanOrEqual(7)
    expect(active(ops)).toEqual([])
  })

  it('lists exactly the objects changed behind the catalog\'s back, and --dry-run writes nothing', async () => {
    await pg.client.query(`COMMENT ON TABLE sales.orders IS 'edited in psql'; COMMENT ON COLUMN sales.customers.email IS NULL`)
    await maria.query(`ALTER TABLE ${mariaDb}.events COMMENT = 'edited in mysql'`)
    const { code, stdout } = await revmeta('sync', '--config', config, '--dry-run', '--json')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    const drifted = mine(report.operations).filter((o: Op) => o.status !== 'unchanged')
    expect(active(drifted)).toEqual([`maria.default.${mariaDb}.events:planned`, `pg.${pg.name}.sales.customers.email:planned`, `pg.${pg.name}.sales.orders:planned`].sort())
    expect(drifted.find((o: Op) => o.asset.endsWith('sales.orders'))).toMatchObject({ desired: 'Orders placed on the shop', current: 'edited in psql' })
    const { rows } = await pg.client.query(`SELECT obj_description('sales.orders'::regclass, 'pg_class') AS d`)
    expect(rows[0].d).toBe('edited in psql')
  })

  it('writes exactly the drifted objects and nothing else', async () => {
    const { code, stdout } = await revmeta('sync', '--config', config, '--json')
    expect(code, stdout).toBe(0)
    const report = JSON.parse(stdout)
    expect(active(mine(report.operations))).toEqual([`maria.default.${mariaDb}.events:applied`, `pg.${pg.name}.sales.customers.email:applied`, `pg.${pg.name}.sales.orders:applied`].sort())
    expect(report.summary.drift).toBe(3)
    const { rows } = await pg.client.query(`SELECT obj_description('sales.orders'::regclass, 'pg_class') AS t, col_description('sales.customers'::regclass, 2) AS c`)
    expect(rows[0]).toEqual({ t: 'Orders placed on the shop', c: 'Login e-mail' })
    const [tables] = await maria.query<mysql.RowDataPacket[]>('SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [mariaDb])
    expect(tables[0]!.c).toBe('Clickstream')
    const again = JSON.parse((await revmeta('sync', '--config', config, '--json')).stdout)
    expect(active(mine(again.operations))).toEqual([])
  })
})
