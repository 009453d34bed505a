import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeEvent, json, tag, team, user } from '../support/om-events.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'
import { bin, revmeta } from '../support/run-cli.js'

const hostile = `It's "quoted" \\ back\\slash $$ dollar $tag$ E'x' \n newline\r\n tab\t ünïcødé 🚀 עברית`
const long = 'x'.repeat(100 * 1024)

let db: TempDatabase
let dir: string
let config: string
let events: string
let svc: string

beforeAll(async () => {
  db = await createTempDatabase('rm_e2e', ['alice', 'finance', 'bob'])
  await db.client.query(`
    CREATE SCHEMA sales;
    CREATE SCHEMA "my schema";
    CREATE TABLE sales.orders (id int primary key, status text, "unit.price" numeric);
    CREATE TABLE "my schema"."weird.table" ("Col Name" int);
    CREATE VIEW sales.daily AS SELECT id FROM sales.orders;
    CREATE MATERIALIZED VIEW sales.ltv AS SELECT id FROM sales.orders;
    COMMENT ON COLUMN sales.orders.id IS 'to be removed';
  `)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-e2e-'))
  svc = 'warehouse'
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(
    config,
    [
      'services:',
      `  - name: ${svc}`,
      '    type: postgres',
      `    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${db.name}, lockTimeoutMs: 2000 }`,
      `    owners: { strategy: name, map: { "team:Finance": ${db.tag}_finance } }`,
      'channels:',
      '  - name: everything',
      '    sync: { descriptions: true, tags: true, owners: true }',
    ].join('\n'),
  )
  const d = `${svc}.${db.name}`
  const list = [
    changeEvent('database', d, { added: [{ name: 'description', newValue: 'Shop database' }, { name: 'owners', newValue: json([team('Finance')]) }] }),
    changeEvent('databaseSchema', `${d}.sales`, { added: [{ name: 'description', newValue: 'Sales schema' }, { name: 'owners', newValue: json([user(`${db.tag}_alice`)]) }] }),
    changeEvent('table', `${d}.sales.orders`, {
      added: [{ name: 'owners', newValue: json([user(`${db.tag}_bob`), team('Finance')]) }, { name: 'columns."unit.price".description', newValue: long }],
      updated: [{ name: 'description', oldValue: 'old', newValue: hostile }, { name: 'columns.status.description', oldValue: '', newValue: 'placed | paid | shipped' }],
      deleted: [{ name: 'columns.id.description', oldValue: 'to be removed' }],
    }),
    changeEvent('table', `${d}.sales.orders`, { added: [{ name: 'columns.status.tags', newValue: json([tag('PII.Sensitive')]) }] }),
    changeEvent('table', `${d}.sales.daily`, { added: [{ name: 'description', newValue: 'A view' }, { name: 'owners', newValue: json([team('Finance')]) }] }),
    changeEvent('table', `${d}.sales.ltv`, { added: [{ name: 'description', newValue: 'A materialized view' }] }),
    changeEvent('table', `${d}.my schema."weird.table"`, { added: [{ name: 'description', newValue: 'dots' }, { name: 'columns.Col Name.description', newValue: 'spaces' }] }),
    changeEvent('dashboard', 'superset.sales', { added: [{ name: 'description', newValue: 'ignored' }] }),
  ]
  events = path.join(dir, 'events.json')
  await writeFile(events, JSON.stringify(list))
})

afterAll(async () => {
  await db?.drop()
})

async function comments(): Promise<Record<string, string | null>> {
  const { rows } = await db.client.query<{ k: string; d: string | null }>(`
    SELECT c.relname || coalesce('.' || a.attname, '') AS k, d.description AS d
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = coalesce(a.attnum, 0)
    WHERE n.nspname IN ('sales', 'my schema') AND c.relkind IN ('r','v','m')
    UNION ALL SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n WHERE n.nspname = 'sales'
    UNION ALL SELECT 'db', shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()
    UNION ALL SELECT c.relname || '@table', obj_description(c.oid, 'pg_class') FROM pg_class c WHERE c.relname IN ('orders','daily','ltv','weird.table')`)
  return Object.fromEntries(rows.map((r) => [r.k, r.d]))
}

async function owners(): Promise<Record<string, string>> {
  const { rows } = await db.client.query<{ k: string; o: string }>(`
    SELECT 'db' AS k, pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = current_database()
    UNION ALL SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'sales'
    UNION ALL SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname IN ('orders', 'daily')`)
  return Object.fromEntries(rows.map((r) => [r.k, r.o]))
}

describe('revmeta plan / apply on the PostgreSQL server', () => {
  it('plan prints the statements and changes nothing', async () => {
    const before = await comments()
    const ownersBefore = await owners()
    const { code, stdout } = await revmeta('plan', '--config', config, '--events', events, '--json')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.summary).toMatchObject({ planned: 14, unsupported: 1, failed: 0 })
    const orders = report.operations.find((o: { asset: string; kind: string }) => o.asset === `${svc}.${db.name}.sales.orders` && o.kind === 'description')
    expect(orders.statements).toHaveLength(1)
    expect(orders.statements[0]).toMatch(/^COMMENT ON TABLE "sales"\."orders" IS E'It''s "quoted" \\\\ back/)
    // The structured form sits beside the strings: the statement with the database it runs on.
    expect(orders.statementDetails).toEqual([{ kind: 'sql', database: db.name, sql: orders.statements[0] }])
    expect(report.input.ignored).toMatchObject({ 'entityType:dashboard': 1 })
    expect(await comments()).toEqual(before)
    expect(await owners()).toEqual(ownersBefore)
    const human = await revmeta('plan', '--config', config, '--events', events)
    expect(human.stdout).toContain('COMMENT ON VIEW "sales"."daily" IS \'A view\'')
  })

  it('apply sets comments and owners exactly as the events say, verified by read-back', async () => {
    const { code, stdout } = await revmeta('apply', '--config', config, '--events', events, '--json')
    const report = JSON.parse(stdout)
    expect(code, stdout).toBe(0)
    expect(report.summary).toMatchObject({ applied: 14, verified: 14, unsupported: 1, failed: 0 })
    const c = await comments()
    expect(c).toMatchObject({
      db: 'Shop database',
      sales: 'Sales schema',
      'orders@table': hostile,
      'orders.status': 'placed | paid | shipped',
      'orders.unit.price': long,
      'orders.id': null,
      'daily@table': 'A view',
      'ltv@table': 'A materialized view',
      'weird.table@table': 'dots',
      'weird.table.Col Name': 'spaces',
    })
    expect(await owners()).toEqual({ db: `${db.tag}_finance`, sales: `${db.tag}_alice`, orders: `${db.tag}_bob`, daily: `${db.tag}_finance` })
    const orders = report.operations.find((o: { asset: string; kind: string }) => o.asset.endsWith('.sales.orders') && o.kind === 'owners')
    expect(orders.warnings.join()).toMatch(/one owner per object/)
    const tags = report.operations.find((o: { kind: string }) => o.kind === 'tags')
    expect(tags).toMatchObject({ status: 'unsupported', error: { code: 'UNSUPPORTED' } })
  })

  it('the same command run again reports every operation unchanged', async () => {
    const { code, stdout } = await revmeta('apply', '--config', config, '--events', events, '--json')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.summary).toMatchObject({ unchanged: 14, applied: 0, planned: 0, failed: 0 })
    expect(report.operations.every((o: { statements: string[] }) => o.statements.length === 0)).toBe(true)
  })

  it('bad input is coded, the rest still applies, and the exit code is 1', async () => {
    const d = `${svc}.${db.name}`
    const lines = [
      JSON.stringify(changeEvent('table', `${d}.sales.orders`, { updated: [{ name: 'columns.status.description', newValue: 'from json lines' }] })),
      '{ not json',
      JSON.stringify(changeEvent('table', `${d}.sales.nosuch`, { added: [{ name: 'description', newValue: 'x' }] })),
      JSON.stringify(changeEvent('table', `other.${db.name}.sales.orders`, { added: [{ name: 'description', newValue: 'x' }] })),
      JSON.stringify({ id: 'broken', eventType: 'entityUpdated' }),
    ]
    const file = path.join(dir, 'mixed.jsonl')
    await writeFile(file, lines.join('\n'))
    const { code, stdout } = await revmeta('apply', '--config', config, '--events', file, '--json')
    expect(code).toBe(1)
    const report = JSON.parse(stdout)
    expect(report.operations).toHaveLength(3)
    expect(report.operations.find((o: { asset: string }) => o.asset.endsWith('.orders.status')).status).toBe('applied')
    expect(report.operations.find((o: { asset: string }) => o.asset.endsWith('.nosuch')).error.code).toBe('OBJECT_NOT_FOUND')
    expect(report.operations.find((o: { service: string }) => o.service === 'other').error.code).toBe('UNKNOWN_SERVICE')
    expect(report.input.errors.map((e: { code: string }) => e.code)).toEqual(['INPUT_MALFORMED', 'INPUT_MALFORMED'])
    expect((await comments())['orders.status']).toBe('from json lines')
  })

  it('standard input works with -', async () => {
    const event = changeEvent('table', `${svc}.${db.name}.sales.ltv`, { updated: [{ name: 'description', newValue: 'via stdin' }] })
    const child = execFile(process.execPath, [bin, 'apply', '--config', config, '--events', '-'])
    child.stdin!.end(JSON.stringify(event))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    expect((await comments())['ltv@table']).toBe('via stdin')
  })

  it('a bad config exits 2 naming the key, and never prints a secret', async () => {
    const bad = path.join(dir, 'bad.yaml')
    await writeFile(bad, 'services:\n  - name: x\n    type: postgres\n    connection: { port: nope, password: hunter2-secret }\n')
    const { code, stderr } = await revmeta('plan', '--config', bad, '--events', events)
    expect(code).toBe(2)
    expect(stderr).toMatch(/services\[0\]\.connection\.port/)
    expect(stderr).not.toContain('hunter2-secret')
  })

  it('an unreachable server leaves each operation queued with CONNECTION_FAILED, without the password', async () => {
    const down = path.join(dir, 'down.yaml')
    await writeFile(down, `services:\n  - name: ${svc}\n    type: postgres\n    connection: { port: 1, password: hunter2-secret, connectTimeoutMs: 2000 }\n`)
    const { code, stdout } = await revmeta('apply', '--config', down, '--events', events, '--json')
    expect(code).toBe(1)
    expect(stdout).not.toContain('hunter2-secret')
    // Durable: a connection failure may pass, so the operations stay queued for a later attempt.
    const report = JSON.parse(stdout)
    const queued = report.operations.filter((o: { status: string }) => o.status === 'queued')
    // The two assets that later events (stdin, json lines) changed are older here: superseded, never sent.
    const superseded = report.operations.filter((o: { status: string }) => o.status === 'superseded').map((o: { asset: string }) => o.asset.split('.').slice(-2).join('.'))
    expect(superseded.sort()).toEqual(['orders.status', 'sales.ltv'])
    expect(queued.length).toBe(report.summary.total - report.summary.unsupported - report.summary.superseded)
    expect(queued.every((o: { error: { code: string; retryable: boolean } }) => o.error.code === 'CONNECTION_FAILED' && o.error.retryable)).toBe(true)
  })
})
