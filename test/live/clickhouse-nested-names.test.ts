import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Session } from 'chdb'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { run } from '../../src/engine/run.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { RunReport } from '../../src/model/report.js'

/**
 * ClickHouse (chdb) and OpenMetadata's nested column paths (issue 15, item 2). A Nested column is
 * stored as top-level columns named `n.a` (flatten_nested, the default), which ClickHouse can
 * comment: the full path `columns.n.a.description` is settled against the read-back to that
 * column. A Tuple's elements are no columns and take no comment: `unsupported`, never the tuple.
 */
let dir: string
let report: RunReport
const comments = new Map<string, string>()

const event = (i: number, fields: { name: string; newValue: string }[]) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  eventType: 'entityUpdated',
  entityType: 'table',
  entityId: '00000000-0000-4000-8000-0000000000aa',
  entityFullyQualifiedName: 'ch.default.shop.orders',
  previousVersion: 0.1 * i,
  currentVersion: 0.1 * (i + 1),
  timestamp: 1733550000000 + i,
  changeDescription: { fieldsAdded: fields, fieldsUpdated: [], fieldsDeleted: [] },
})

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-ch-nested-'))
  await writeFile(
    path.join(dir, 'init.sql'),
    `CREATE DATABASE shop;
CREATE TABLE shop.orders (id Int32, \`n\` Nested(a String, b Int32), tp Tuple(x String, y Int32), \`q"d.x\` String) ENGINE = MergeTree ORDER BY tuple();`,
  )
  const config = await resolveConfig(
    { services: [{ name: 'ch', type: 'clickhouse', connection: { mode: 'embedded', path: 'chdata', initSql: 'init.sql' } }], channels: [{ name: 'all' }] },
    { source: 'test', baseDir: dir, env: {} },
  )
  const events = [
    event(1, [{ name: 'columns.n.a.description', newValue: 'nested a' }]),
    event(2, [{ name: 'columns.tp.x.description', newValue: 'tuple x' }]),
    event(3, [{ name: 'columns."q\\"d.x".description', newValue: 'quoted' }]),
  ]
  report = await run(config, { items: events.length, normalized: normalizeChangeEvents(events) }, { apply: true, offline: false })
  const session = new Session(path.join(dir, 'chdata'))
  const out = session.query(`SELECT name, comment FROM system.columns WHERE database = 'shop' AND table = 'orders'`, 'JSONEachRow').trim()
  for (const line of out.split('\n')) {
    const row = JSON.parse(line) as { name: string; comment: string }
    comments.set(row.name, row.comment)
  }
  session.cleanup?.()
}, 120_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

const op = (asset: string) => report.operations.find((o) => o.asset === asset)

it('writes a Nested field, addressed by its full path, to the column ClickHouse made of it', () => {
  expect(op('ch.default.shop.orders."n.a"'), JSON.stringify(report.operations)).toMatchObject({ status: 'applied', verified: true })
  expect(comments.get('n.a')).toBe('nested a')
})

it('reports a Tuple element unsupported and leaves the tuple column alone', () => {
  expect(op('ch.default.shop.orders.tp.x')).toMatchObject({ status: 'unsupported', statements: [], error: { code: 'UNSUPPORTED' } })
  expect(comments.get('tp')).toBe('')
})

it('quotes a column whose name holds a double quote and a dot', () => {
  expect(op('ch.default.shop.orders."q\\"d.x"')).toMatchObject({ status: 'applied' })
  expect(comments.get('q"d.x')).toBe('quoted')
})
