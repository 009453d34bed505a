import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { Session } from 'chdb'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { changeEvent, json, user } from '../support/om-events.js'
import { revmeta } from '../support/run-cli.js'

/**
 * One set of OpenMetadata edits, applied through `revmeta apply` to MariaDB, ClickHouse (the
 * chdb engine, embedded) and DuckDB at once: each engine reads back exactly what the events say,
 * and a second run sends nothing.
 */
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`
const mariaDb = `rm_three_${run}`
let dir: string
let config: string
let events: string
let maria: mysql.Connection

const table = 'Customer Orders'
const texts = {
  table: `Orders placed on the web shop.\nIt's the "source of truth" \\ for revenue: 100% → 中文, ü, ñ.`,
  status: "State: 'placed' | 'paid' | 'shipped'\r\nSee C:\\exports\\ for $$ dumps.",
  amount: 'Amount in EUR, VAT included',
  schema: 'Sales data of the shop',
}

/** The same edits for every engine; only the service (and how it names databases) differs. */
function edits(schemaFqn: string): unknown[] {
  const t = `${schemaFqn}."${table}"`.replace(/"([^".]*)"$/, '$1')
  return [
    changeEvent('databaseSchema', schemaFqn, { added: [{ name: 'description', newValue: texts.schema }] }),
    changeEvent('table', t, {
      updated: [{ name: 'description', oldValue: 'old', newValue: texts.table }],
      added: [
        { name: 'columns.status.description', newValue: texts.status },
        { name: 'columns.amount.description', newValue: texts.amount },
        { name: 'owners', newValue: json([user('marta')]) },
      ],
    }),
  ]
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-three-'))
  try {
    maria = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', multipleStatements: true })
  } catch (err) {
    throw new Error(`This test needs MariaDB at 127.0.0.1:3306 (user root, empty password): ${(err as Error).message}`)
  }
  await maria.query(
    `CREATE DATABASE ${mariaDb}; CREATE TABLE ${mariaDb}.\`${table}\` (id INT PRIMARY KEY, status VARCHAR(20) NOT NULL DEFAULT 'placed' COMMENT 'old', amount DECIMAL(12,2) NULL) COMMENT 'old'`,
  )
  await writeFile(path.join(dir, 'ch.sql'), `CREATE DATABASE sales; CREATE TABLE sales.\`${table}\` (id Int32, status String, amount Decimal(12,2)) ENGINE = MergeTree ORDER BY id COMMENT 'old';`)
  await writeFile(path.join(dir, 'duck.sql'), `CREATE SCHEMA sales; CREATE TABLE sales."${table}" (id INTEGER, status VARCHAR, amount DECIMAL(12,2)); COMMENT ON TABLE sales."${table}" IS 'old';`)
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(
    config,
    stringify({
      services: [
        { name: 'maria', type: 'mysql', connection: { host: '127.0.0.1', port: 3306, user: 'root' } },
        { name: 'ch', type: 'clickhouse', connection: { mode: 'embedded', path: 'chdata', initSql: 'ch.sql' } },
        { name: 'duck', type: 'duckdb', connection: { path: 'shop.duckdb', initSql: 'duck.sql' } },
      ],
      channels: [{ name: 'everything', sync: { descriptions: true, tags: true, owners: true } }],
    }),
  )
  events = path.join(dir, 'events.json')
  await writeFile(events, JSON.stringify([...edits(`maria.default.${mariaDb}`), ...edits('ch.default.sales'), ...edits('duck.shop.sales')]))
})

afterAll(async () => {
  await maria?.query(`DROP DATABASE IF EXISTS ${mariaDb}`)
  await maria?.end()
  await rm(dir, { recursive: true, force: true })
})

async function mariaState(): Promise<Record<string, string>> {
  const [tables] = await maria.query<mysql.RowDataPacket[]>('SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [mariaDb])
  const [cols] = await maria.query<mysql.RowDataPacket[]>('SELECT COLUMN_NAME AS n, COLUMN_COMMENT AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY ORDINAL_POSITION', [mariaDb])
  const [schemas] = await maria.query<mysql.RowDataPacket[]>('SELECT SCHEMA_COMMENT AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [mariaDb])
  return { schema: schemas[0]!.c, table: tables[0]!.c, ...Object.fromEntries(cols.map((r) => [r.n, r.c])) }
}

function chState(): Record<string, string> {
  const session = new Session(path.join(dir, 'chdata'))
  try {
    const rows = (sql: string) => session.query(sql, 'JSONEachRow').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    const db = rows(`SELECT comment AS c FROM system.databases WHERE name = 'sales'`)
    const t = rows(`SELECT comment AS c FROM system.tables WHERE database = 'sales'`)
    const cols = rows(`SELECT name AS n, comment AS c FROM system.columns WHERE database = 'sales' ORDER BY position`)
    return { schema: db[0].c, table: t[0].c, ...Object.fromEntries(cols.map((r: { n: string; c: string }) => [r.n, r.c])) }
  } finally {
    session.cleanup?.()
  }
}

async function duckState(): Promise<Record<string, string | null>> {
  const instance = await DuckDBInstance.create(path.join(dir, 'shop.duckdb'))
  const connection = await instance.connect()
  try {
    const t = (await connection.runAndReadAll(`SELECT comment AS c FROM duckdb_tables() WHERE schema_name = 'sales'`)).getRowObjects()
    const cols = (await connection.runAndReadAll(`SELECT column_name AS n, comment AS c FROM duckdb_columns() WHERE schema_name = 'sales' ORDER BY column_index`)).getRowObjects()
    return { table: t[0]!.c as string, ...Object.fromEntries(cols.map((r) => [r.n as string, r.c as string | null])) }
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

describe('revmeta apply on MariaDB, ClickHouse and DuckDB', () => {
  it('lands exactly on all three engines and says what each cannot hold', async () => {
    const { code, stdout } = await revmeta('apply', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(0)
    const report = JSON.parse(stdout)
    const byService = (service: string) => report.operations.filter((o: { service: string }) => o.service === service).map((o: { kind: string; level: string; status: string }) => `${o.level}:${o.kind}:${o.status}`).sort()
    const full = ['column:description:applied', 'column:description:applied', 'schema:description:applied', 'table:description:applied', 'table:owners:unsupported']
    expect(byService('maria')).toEqual(full)
    expect(byService('ch')).toEqual(full)
    expect(byService('duck')).toEqual(['column:description:applied', 'column:description:applied', 'schema:description:unsupported', 'table:description:applied', 'table:owners:unsupported'])
    expect(report.summary).toMatchObject({ applied: 11, verified: 11, failed: 0 })

    const expected = { table: texts.table, status: texts.status, amount: texts.amount }
    expect(await mariaState()).toEqual({ schema: texts.schema, id: '', ...expected })
    expect(chState()).toEqual({ schema: texts.schema, id: '', ...expected })
    expect(await duckState()).toEqual({ id: null, ...expected })
  })

  it('a second run reports every operation unchanged', async () => {
    const { code, stdout } = await revmeta('apply', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(0)
    expect(JSON.parse(stdout).summary).toMatchObject({ unchanged: 11, applied: 0, planned: 0, failed: 0, unsupported: 4 })
  })
})
