import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { changeEvent } from '../support/om-events.js'
import { revmeta } from '../support/run-cli.js'

/**
 * The bad inputs of issue 10, in one file, through `revmeta apply` with the embedded store, read
 * whole and streamed: each bad event fails alone with its code, and the good ones around it land.
 */
let dir: string
let config: string
let events: string

const table = 'duck.shop.sales.t'
const good = (column: string, text: string) => JSON.stringify(changeEvent('table', table, { updated: [{ name: `columns.${column}.description`, oldValue: 'old', newValue: text }] }))

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-bad-inputs-'))
  await writeFile(
    path.join(dir, 'duck.sql'),
    `CREATE SCHEMA sales; CREATE TABLE sales.t (a INTEGER, b INTEGER, deep INTEGER, latin INTEGER, wiped INTEGER, big INTEGER, bom INTEGER);
     ${['a', 'b', 'deep', 'latin', 'wiped', 'big', 'bom'].map((c) => `COMMENT ON COLUMN sales.t.${c} IS 'old';`).join(' ')}`,
  )
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(config, stringify({ input: { maxEventChars: 12_000 }, services: [{ name: 'duck', type: 'duckdb', connection: { path: 'shop.duckdb', initSql: 'duck.sql' } }] }))
  const deep = good('deep', 'too deep').replace(/}$/, `,"ignored":${'['.repeat(5_000)}${']'.repeat(5_000)}}`)
  const latin1 = Buffer.from(good('latin', 'caf\u00e9'), 'latin1')
  const wiped = JSON.stringify(changeEvent('table', table, { updated: [{ name: 'columns.wiped.description', oldValue: 'old' }] }))
  const big = good('big', 'x'.repeat(20_000))
  events = path.join(dir, 'events.jsonl')
  await writeFile(events, Buffer.concat([Buffer.from(`${good('a', 'first')}\n${deep}\n`), latin1, Buffer.from(`\n${wiped}\n${big}\n${good('b', 'café ☃ last')}\n${good('bom', '\uFEFFleading BOM')}\n`)]))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function comments(): Promise<Record<string, string | null>> {
  const instance = await DuckDBInstance.create(path.join(dir, 'shop.duckdb'))
  const connection = await instance.connect()
  try {
    // Behind a guard character: DuckDB's Node client drops a leading U+FEFF when it decodes text.
    const rows = (await connection.runAndReadAll(`SELECT column_name AS n, '.' || comment AS c FROM duckdb_columns() WHERE table_name = 't'`)).getRowObjects()
    return Object.fromEntries(rows.map((r) => [r.n as string, r.c === null ? null : (r.c as string).slice(1)]))
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

describe('bad inputs through revmeta apply', () => {
  for (const mode of ['whole', 'streamed'] as const) {
    it(`refuses each bad event alone with its code and applies the others (${mode})`, async () => {
      const { code, stdout, stderr } = await revmeta('apply', '--config', config, '--events', events, '--json', ...(mode === 'streamed' ? ['--stream'] : []))
      expect(code, stderr).toBe(1)
      const report = JSON.parse(stdout)
      expect(report.input.errors.map((e: { code: string }) => e.code).sort()).toEqual(['INPUT_MALFORMED', 'INPUT_NOT_UTF8', 'INPUT_TOO_DEEP', 'INPUT_TOO_LARGE'])
      expect(report.operations.map((o: { asset: string; status: string }) => [o.asset, o.status])).toEqual(
        ['a', 'b', 'bom'].map((c) => [`${table}.${c}`, mode === 'whole' ? 'applied' : 'unchanged']),
      )
      // Nothing bad reached the database: no U+FFFD, no wiped comment; a leading U+FEFF is kept, and read back as kept (a second run: unchanged).
      expect(await comments()).toEqual({ a: 'first', b: 'café ☃ last', deep: 'old', latin: 'old', wiped: 'old', big: 'old', bom: '\uFEFFleading BOM' })
    })
  }
})
