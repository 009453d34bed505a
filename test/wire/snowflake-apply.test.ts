import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeEvent, json, tag, user } from '../support/om-events.js'
import { writeCliRunFiles } from '../support/cli-run-files.js'
import { revmeta } from '../support/run-cli.js'
import { startSnowflakeEndpoint, type SnowflakeEndpoint } from '../support/snowflake-endpoint.js'
import { SnowflakeModel } from '../support/snowflake-model.js'
import { socketLogImport } from '../support/snowflake-socket-log.js'

/**
 * `revmeta apply` (the built CLI, a child process) on a Snowflake service whose accessUrl is the
 * loopback endpoint: the real snowflake-sdk logs in, reads back from INFORMATION_SCHEMA, sends
 * the statements of the dialect reference, and verifies them against the endpoint's model.
 */
const texts = {
  database: 'Sales warehouse',
  schema: `Schema with it's "quotes" and C:\\paths\\new`,
  orders: `Orders\nline 2 \\d $$ $1 🦄 שלום`,
  email: 'E-mail address (PII)',
  note: 'Free text; may hold "anything"',
  view: 'Orders as the shop sees them',
  viewId: 'Order key',
  mv: 'Daily totals',
}

/** A hostile tag value (quote, backslash, `$$`, emoji) and its Snowflake literal. */
const hostileTag = `it's C:\\new $$ 🦄`
const hostileLiteral = `'it\\'s C:\\\\new $$ 🦄'`

let dir: string
let endpoint: SnowflakeEndpoint
let config: string
let events: string
let model: SnowflakeModel
let savedNodeOptions: string | undefined

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-snowflake-'))
  model = new SnowflakeModel()
    .add(['SALES'], 'DATABASE', 'old')
    .add(['SALES', 'PUBLIC'], 'SCHEMA')
    .add(['SALES', 'PUBLIC', 'ORDERS'], 'BASE TABLE', 'old')
    .add(['SALES', 'PUBLIC', 'ORDERS', 'ID'], 'COLUMN')
    .add(['SALES', 'PUBLIC', 'ORDERS', 'EMAIL'], 'COLUMN')
    .add(['SALES', 'PUBLIC', 'ORDERS', 'NOTE'], 'COLUMN', 'old')
    .add(['SALES', 'PUBLIC', 'V_ORDERS'], 'VIEW')
    .add(['SALES', 'PUBLIC', 'V_ORDERS', 'ID'], 'COLUMN')
    .add(['SALES', 'PUBLIC', 'MV_DAILY'], 'MATERIALIZED VIEW')
    // Set directly on the schema, removed by the catalog below.
    .tag(['SALES', 'PUBLIC'], ['GOV', 'TAGS', 'Legacy'], 'Yes')
    // Set on the table: its columns inherit it, which must neither count as theirs nor clash.
    .tag(['SALES', 'PUBLIC', 'ORDERS'], ['GOV', 'TAGS', 'PII'], 'None')
    // The view already holds Tier=Gold: the catalog adding Tier.Silver is ambiguous.
    .tag(['SALES', 'PUBLIC', 'V_ORDERS'], ['GOV', 'TAGS', 'Tier'], 'Gold')
  endpoint = await startSnowflakeEndpoint(model.answer)
  // The CLI children inherit this: every socket they open is logged, to be checked below.
  savedNodeOptions = process.env.NODE_OPTIONS
  process.env.REVMETA_SOCKET_LOG = path.join(dir, 'sockets.log')
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, socketLogImport].filter(Boolean).join(' ')
  await writeFile(path.join(dir, 'password'), 'pw-from-file\n')
  ;({ config, events } = await writeCliRunFiles(
    dir,
    [
      {
        name: 'snow',
        type: 'snowflake',
        connection: {
          account: 'revmeta_test',
          accessUrl: endpoint.url,
          username: 'loader',
          passwordFile: 'password',
          warehouse: 'WH',
          role: 'SYSADMIN',
          maxRetries: 2,
          // Tags on a database need a home: a database has no schema of its own.
          tagSchema: { database: 'GOV', schema: 'TAGS' },
        },
        owners: { strategy: 'map', map: { marta: 'ANALYST', 'team:Platform': 'PLATFORM_ADMIN' } },
        execution: { concurrency: 1 },
      },
    ],
    [
      changeEvent('database', 'snow.SALES', {
        updated: [{ name: 'description', oldValue: 'old', newValue: texts.database }],
        added: [
          { name: 'owners', newValue: json([user('marta')]) },
          { name: 'tags', newValue: json([tag('CostCenter.Finance')]) },
        ],
      }),
      changeEvent('databaseSchema', 'snow.SALES.PUBLIC', {
        added: [
          { name: 'description', newValue: texts.schema },
          { name: 'owners', newValue: json([user('marta')]) },
          { name: 'tags', newValue: json([tag('Domain."Sales & Ops v1.2"')]) },
        ],
        deleted: [{ name: 'tags', oldValue: json([tag('Legacy.Yes')]) }],
      }),
      changeEvent('table', 'snow.SALES.PUBLIC.ORDERS', {
        updated: [{ name: 'description', oldValue: 'old', newValue: texts.orders }],
        added: [
          { name: 'columns.EMAIL.description', newValue: texts.email },
          { name: 'columns.NOTE.description', newValue: texts.note },
          { name: 'owners', newValue: json([user('marta')]) },
          { name: 'columns.EMAIL.tags', newValue: json([tag('PII.Sensitive')]) },
          { name: 'tags', newValue: json([tag(`Note.${hostileTag}`)]) },
        ],
      }),
      changeEvent('table', 'snow.SALES.PUBLIC.V_ORDERS', {
        added: [
          { name: 'description', newValue: texts.view },
          { name: 'columns.ID.description', newValue: texts.viewId },
          { name: 'owners', newValue: json([user('marta')]) },
          { name: 'tags', newValue: json([tag('Tier.Silver')]) },
        ],
      }),
      changeEvent('table', 'snow.SALES.PUBLIC.MV_DAILY', { added: [{ name: 'description', newValue: texts.mv }] }),
    ],
  ))
})

afterAll(async () => {
  if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS
  else process.env.NODE_OPTIONS = savedNodeOptions
  delete process.env.REVMETA_SOCKET_LOG
  await endpoint?.close()
  await rm(dir, { recursive: true, force: true })
})

const writes = (): string[] => endpoint.executed().filter((sql) => !sql.startsWith('SELECT') && !sql.startsWith('ALTER SESSION'))

describe('revmeta apply on Snowflake (wire tier)', () => {
  it('lands descriptions, native tags and owners at every level as the exact statements, verified by read-back; refuses the ambiguous tag', async () => {
    const { code, stdout, stderr } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    // The ambiguous tag fails its own operation (exit 1); everything else lands.
    expect(code, stdout + stderr).toBe(1)
    const report = JSON.parse(stdout)
    const failed = report.operations.filter((o: { status: string }) => o.status === 'failed')
    expect(failed.map((o: { asset: string; kind: string; statements: string[]; error: { code: string } }) => [o.asset, o.kind, o.error.code, o.statements])).toEqual([['snow.SALES.PUBLIC.V_ORDERS', 'tags', 'AMBIGUOUS_TAG', []]])
    const statuses = report.operations.map((o: { asset: string; kind: string; status: string }) => `${o.asset}:${o.kind}:${o.status}`).sort()
    expect(statuses).toEqual([
      'snow.SALES.PUBLIC.MV_DAILY:description:applied',
      'snow.SALES.PUBLIC.ORDERS.EMAIL:description:applied',
      'snow.SALES.PUBLIC.ORDERS.EMAIL:tags:applied',
      'snow.SALES.PUBLIC.ORDERS.NOTE:description:applied',
      'snow.SALES.PUBLIC.ORDERS:description:applied',
      'snow.SALES.PUBLIC.ORDERS:owners:applied',
      'snow.SALES.PUBLIC.ORDERS:tags:applied',
      'snow.SALES.PUBLIC.V_ORDERS.ID:description:applied',
      'snow.SALES.PUBLIC.V_ORDERS:description:applied',
      'snow.SALES.PUBLIC.V_ORDERS:owners:applied',
      'snow.SALES.PUBLIC.V_ORDERS:tags:failed',
      'snow.SALES.PUBLIC:description:applied',
      'snow.SALES.PUBLIC:owners:applied',
      'snow.SALES.PUBLIC:tags:applied',
      'snow.SALES:description:applied',
      'snow.SALES:owners:applied',
      'snow.SALES:tags:applied',
    ])
    expect(writes().sort()).toEqual(
      [
        `COMMENT ON DATABASE "SALES" IS 'Sales warehouse'`,
        `GRANT OWNERSHIP ON DATABASE "SALES" TO ROLE "ANALYST" COPY CURRENT GRANTS`,
        `COMMENT ON SCHEMA "SALES"."PUBLIC" IS 'Schema with it\\'s "quotes" and C:\\\\paths\\\\new'`,
        `GRANT OWNERSHIP ON SCHEMA "SALES"."PUBLIC" TO ROLE "ANALYST" COPY CURRENT GRANTS`,
        `COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 'Orders\\nline 2 \\\\d $$ $1 🦄 שלום'`,
        `GRANT OWNERSHIP ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "ANALYST" COPY CURRENT GRANTS`,
        `ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "EMAIL" COMMENT 'E-mail address (PII)', COLUMN "NOTE" COMMENT 'Free text; may hold "anything"'`,
        `COMMENT ON VIEW "SALES"."PUBLIC"."V_ORDERS" IS 'Orders as the shop sees them'`,
        `GRANT OWNERSHIP ON VIEW "SALES"."PUBLIC"."V_ORDERS" TO ROLE "ANALYST" COPY CURRENT GRANTS`,
        `ALTER VIEW "SALES"."PUBLIC"."V_ORDERS" ALTER COLUMN "ID" COMMENT 'Order key'`,
        `COMMENT ON MATERIALIZED VIEW "SALES"."PUBLIC"."MV_DAILY" IS 'Daily totals'`,
        `ALTER DATABASE "SALES" SET TAG "GOV"."TAGS"."CostCenter" = 'Finance'`,
        `ALTER SCHEMA "SALES"."PUBLIC" SET TAG "GOV"."TAGS"."Domain" = 'Sales & Ops v1.2'`,
        `ALTER SCHEMA "SALES"."PUBLIC" UNSET TAG "GOV"."TAGS"."Legacy"`,
        `ALTER TABLE "SALES"."PUBLIC"."ORDERS" SET TAG "GOV"."TAGS"."Note" = ${hostileLiteral}`,
        `ALTER TABLE "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" SET TAG "GOV"."TAGS"."PII" = 'Sensitive'`,
      ].sort(),
    )
    // The schema's two tag statements go in order: set, then unset.
    const schemaTags = writes().filter((sql) => sql.startsWith('ALTER SCHEMA'))
    expect(schemaTags.map((sql) => sql.split(' TAG ')[0])).toEqual(['ALTER SCHEMA "SALES"."PUBLIC" SET', 'ALTER SCHEMA "SALES"."PUBLIC" UNSET'])
    // The model holds the tags as the catalog has them, the hostile value exactly; the view's Tier untouched.
    expect(model.tagsOf('SALES')).toEqual(['CostCenter=Finance'])
    expect(model.tagsOf('SALES', 'PUBLIC')).toEqual(['Domain=Sales & Ops v1.2'])
    expect(model.tagsOf('SALES', 'PUBLIC', 'ORDERS')).toEqual([`Note=${hostileTag}`, 'PII=None'])
    expect(model.tagsOf('SALES', 'PUBLIC', 'ORDERS', 'EMAIL')).toEqual(['PII=Sensitive'])
    expect(model.tagsOf('SALES', 'PUBLIC', 'V_ORDERS')).toEqual(['Tier=Gold'])
    // What the model now holds is exactly the catalog's text.
    expect(model.get('SALES')).toEqual({ type: 'DATABASE', comment: texts.database, owner: 'ANALYST' })
    expect(model.get('SALES', 'PUBLIC')?.comment).toBe(texts.schema)
    expect(model.get('SALES', 'PUBLIC', 'ORDERS')?.comment).toBe(texts.orders)
    expect(model.get('SALES', 'PUBLIC', 'ORDERS', 'NOTE')?.comment).toBe(texts.note)
    expect(model.get('SALES', 'PUBLIC', 'V_ORDERS', 'ID')?.comment).toBe(texts.viewId)
    expect(model.get('SALES', 'PUBLIC', 'MV_DAILY')?.comment).toBe(texts.mv)
    // The password file's content reached the login, and no output.
    expect(endpoint.logins.every((login) => login.hasPassword && login.user === 'loader')).toBe(true)
    expect(stdout + stderr).not.toContain('pw-from-file')
  })

  it('a second run reads everything back in place (tags too) and sends nothing', async () => {
    const before = writes().length
    const { code, stdout } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(1)
    expect(JSON.parse(stdout).summary).toMatchObject({ unchanged: 16, applied: 0, failed: 1 })
    expect(writes()).toHaveLength(before)
  })

  it('the CLI processes opened sockets to loopback only (no cloud metadata probe, no OCSP, no telemetry host)', async () => {
    const hosts = (await readFile(path.join(dir, 'sockets.log'), 'utf8')).trim().split('\n')
    expect(hosts.length).toBeGreaterThan(0)
    expect(hosts.filter((host) => host !== '127.0.0.1')).toEqual([])
  })

  it('plan --offline prints the statements without contacting Snowflake', async () => {
    const received = endpoint.received.length
    const { code, stdout } = await revmeta('plan', '--offline', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(0)
    const statements = JSON.parse(stdout).operations.flatMap((o: { statements: string[] }) => o.statements)
    expect(statements).toContain(`COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 'Orders\\nline 2 \\\\d $$ $1 🦄 שלום'`)
    expect(statements).toContain(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "EMAIL" COMMENT 'E-mail address (PII)'`)
    expect(statements).toContain(`ALTER DATABASE "SALES" SET TAG "GOV"."TAGS"."CostCenter" = 'Finance'`)
    expect(statements).toContain(`ALTER SCHEMA "SALES"."PUBLIC" UNSET TAG "GOV"."TAGS"."Legacy"`)
    expect(statements).toContain(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" SET TAG "GOV"."TAGS"."Note" = ${hostileLiteral}`)
    expect(statements).toContain(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" SET TAG "GOV"."TAGS"."PII" = 'Sensitive'`)
    expect(endpoint.received.length).toBe(received)
  })
})
