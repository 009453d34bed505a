import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { startDatabricksEndpoint, type DatabricksEndpoint } from '../support/databricks-endpoint.js'
import { DatabricksModel } from '../support/databricks-model.js'
import { changeEvent, json, tag, team, user } from '../support/om-events.js'
import { revmeta } from '../support/run-cli.js'
import { socketLogImport } from '../support/snowflake-socket-log.js'

/**
 * Issue 12's "done when": one stream of OpenMetadata events (hostile descriptions, a tag key that
 * needs the channel's mapping, an ambiguous tag, a user, a team and an owner removal, at catalog,
 * schema, table and column) through the built `revmeta apply` to a `databricks` and a
 * `unity-catalog` service, each on its own loopback workspace; the requests each received are
 * exactly those dialects.md §10 prescribes; a second run reads everything back `unchanged`.
 */
const texts = {
  catalog: `Main catalog: it's "the" one \\ C:\\new`,
  schema: 'Sales & Ops\nsecond line\ttab $$ $1',
  table: `Orders 🦄 שלום it''s \\' quoted`,
  column: "E-mail (PII); DROP TABLE x; --",
}
const hostileTag = `it's C:\\new $$ 🦄`

let dir: string
let config: string
let events: string
const endpoints: Record<'dbx' | 'uc', DatabricksEndpoint> = {} as never
let savedNodeOptions: string | undefined

const model = () =>
  new DatabricksModel()
    .add(['main'], 'CATALOG', 'old')
    .add(['main', 'sales'], 'SCHEMA')
    .add(['main', 'sales', 'orders'], 'MANAGED', 'old', 'marta@example.com')
    .add(['main', 'sales', 'orders', 'id'], 'COLUMN')
    .add(['main', 'sales', 'orders', 'email'], 'COLUMN')
    // Set on the schema, removed by the catalog below.
    .tag(['main', 'sales'], 'Legacy', 'Yes')
    // The table holds Tier=Gold: the catalog adding Tier.Silver is ambiguous.
    .tag(['main', 'sales', 'orders'], 'Tier', 'Gold')

/** The same edits for one service, under OpenMetadata's mixed-case names (`Main`, `Sales`, `Orders`). */
const eventsFor = (service: string) => [
  changeEvent('database', `${service}.Main`, {
    updated: [{ name: 'description', oldValue: 'old', newValue: texts.catalog }],
    added: [
      { name: 'owners', newValue: json([user('marta')]) },
      // `Cost-Center` holds a `-`, which Databricks refuses in a key: the channel maps it to `Cost_Center`.
      { name: 'tags', newValue: json([tag('Cost-Center.Finance')]) },
    ],
  }),
  changeEvent('databaseSchema', `${service}.Main.Sales`, {
    added: [
      { name: 'description', newValue: texts.schema },
      { name: 'owners', newValue: json([team('Platform')]) },
      { name: 'tags', newValue: json([tag('Domain.Sales')]) },
    ],
    deleted: [{ name: 'tags', oldValue: json([tag('Legacy.Yes')]) }],
  }),
  changeEvent('table', `${service}.Main.Sales.Orders`, {
    updated: [{ name: 'description', oldValue: 'old', newValue: texts.table }],
    added: [
      { name: 'columns.email.description', newValue: texts.column },
      { name: 'columns.email.tags', newValue: json([tag('PII.Sensitive'), tag(`Note.${hostileTag}`)]) },
      { name: 'tags', newValue: json([tag('Tier.Silver')]) },
    ],
    deleted: [{ name: 'owners', oldValue: json([user('marta')]) }],
  }),
]

const connection = (endpoint: DatabricksEndpoint, extra: Record<string, unknown> = {}) => ({ host: endpoint.url, tokenFile: 'token', warehouseId: 'wh-1', pollIntervalMs: 1, ...extra })
const owners = { strategy: 'map', map: { marta: 'marta@example.com', 'team:Platform': 'platform-admins' } }

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-databricks-'))
  endpoints.dbx = await startDatabricksEndpoint(model())
  endpoints.uc = await startDatabricksEndpoint(model())
  // Every statement of the first run waits once: submissions answer PENDING and are polled.
  endpoints.dbx.pendNext(100)
  savedNodeOptions = process.env.NODE_OPTIONS
  process.env.REVMETA_SOCKET_LOG = path.join(dir, 'sockets.log')
  // And every connection that is not loopback is refused and written down by the network guard.
  process.env.REVMETA_NETWORK_GUARD_LOG = path.join(dir, 'refused.log')
  const guard = `--import=${path.resolve(import.meta.dirname, '../support/network-guard.mjs')}`
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, socketLogImport, guard].filter(Boolean).join(' ')
  await writeFile(path.join(dir, 'token'), 'dapi-test-token\n')
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(
    config,
    stringify({
      services: [
        // Databricks sets a fallback principal when every owner is removed; Unity Catalog has none configured.
        { name: 'dbx', type: 'databricks', connection: connection(endpoints.dbx, { ownerFallback: 'data-owners' }), owners, execution: { concurrency: 1 } },
        { name: 'uc', type: 'unity-catalog', connection: connection(endpoints.uc), owners, execution: { concurrency: 1 } },
      ],
      channels: [{ name: 'everything', sync: { descriptions: true, tags: true, owners: true }, options: { tags: { replacements: [{ pattern: '-', with: '_' }] } } }],
    }),
  )
  events = path.join(dir, 'events.json')
  await writeFile(events, JSON.stringify([...eventsFor('dbx'), ...eventsFor('uc')]))
})

afterAll(async () => {
  if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS
  else process.env.NODE_OPTIONS = savedNodeOptions
  delete process.env.REVMETA_SOCKET_LOG
  delete process.env.REVMETA_NETWORK_GUARD_LOG
  await endpoints.dbx?.close()
  await endpoints.uc?.close()
  await rm(dir, { recursive: true, force: true })
})

/** The statements both connectors send through SQL (tags, table and column comments). */
const sqlWrites = [
  "COMMENT ON TABLE `Main`.`Sales`.`Orders` IS 'Orders 🦄 שלום it\\'\\'s \\\\\\' quoted'",
  "COMMENT ON COLUMN `Main`.`Sales`.`Orders`.`email` IS 'E-mail (PII); DROP TABLE x; --'",
  "ALTER CATALOG `Main` SET TAGS ('Cost_Center' = 'Finance')",
  "ALTER SCHEMA `Main`.`Sales` SET TAGS ('Domain' = 'Sales')",
  "ALTER SCHEMA `Main`.`Sales` UNSET TAGS ('Legacy')",
  "ALTER TABLE `Main`.`Sales`.`Orders` ALTER COLUMN `email` SET TAGS ('PII' = 'Sensitive', 'Note' = 'it\\'s C:\\\\new $$ 🦄')",
]
const expected = {
  dbx: [
    ...sqlWrites,
    "COMMENT ON CATALOG `Main` IS 'Main catalog: it\\'s \"the\" one \\\\ C:\\\\new'",
    "COMMENT ON SCHEMA `Main`.`Sales` IS 'Sales & Ops\\nsecond line\\ttab $$ $1'",
    'ALTER CATALOG `Main` OWNER TO `marta@example.com`',
    'ALTER SCHEMA `Main`.`Sales` OWNER TO `platform-admins`',
    'ALTER TABLE `Main`.`Sales`.`Orders` OWNER TO `data-owners`',
  ].sort(),
  uc: [
    ...sqlWrites,
    `PATCH /api/2.1/unity-catalog/catalogs/main ${JSON.stringify({ comment: texts.catalog })}`,
    `PATCH /api/2.1/unity-catalog/schemas/main.sales ${JSON.stringify({ comment: texts.schema })}`,
    'PATCH /api/2.1/unity-catalog/catalogs/main {"owner":"marta@example.com"}',
    'PATCH /api/2.1/unity-catalog/schemas/main.sales {"owner":"platform-admins"}',
  ].sort(),
}

type Op = { service: string; asset: string; kind: string; status: string; statements: string[]; error?: { code: string } }

describe('revmeta apply to Databricks and Unity Catalog (wire tier)', () => {
  it('sends exactly the prescribed statements and requests to each workspace; the ambiguous tag and the unconfigured owner removal are refused', async () => {
    const { code, stdout, stderr } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout + stderr).toBe(1)
    const ops: Op[] = JSON.parse(stdout).operations
    const statuses = ops.map((o) => `${o.asset}:${o.kind}:${o.status}${o.error ? `:${o.error.code}` : ''}`).sort()
    const per = (s: string, ownerRemoval: string) => [
      `${s}.Main.Sales.Orders.email:description:applied`,
      `${s}.Main.Sales.Orders.email:tags:applied`,
      `${s}.Main.Sales.Orders:description:applied`,
      `${s}.Main.Sales.Orders:owners:${ownerRemoval}`,
      `${s}.Main.Sales.Orders:tags:failed:AMBIGUOUS_TAG`,
      `${s}.Main.Sales:description:applied`,
      `${s}.Main.Sales:owners:applied`,
      `${s}.Main.Sales:tags:applied`,
      `${s}.Main:description:applied`,
      `${s}.Main:owners:applied`,
      `${s}.Main:tags:applied`,
    ]
    expect(statuses).toEqual([...per('dbx', 'applied'), ...per('uc', 'unsupported:OWNER_REMOVAL_UNSUPPORTED')].sort())
    expect(endpoints.dbx.changes().sort()).toEqual(expected.dbx)
    expect(endpoints.uc.changes().sort()).toEqual(expected.uc)
    // Every statement was submitted once (no write retried), and the dbx ones were polled from PENDING.
    const writes = (e: DatabricksEndpoint) => e.statements().filter((s) => !s.startsWith('SELECT'))
    expect(writes(endpoints.dbx).sort()).toEqual(expected.dbx)
    expect(endpoints.dbx.received.filter((r) => r.method === 'GET' && r.path.startsWith('/api/2.0/sql/statements/')).length).toBeGreaterThan(expected.dbx.length)
    // The schema's tags: set, then unset, in order.
    expect(writes(endpoints.uc).filter((s) => s.startsWith('ALTER SCHEMA'))).toEqual(["ALTER SCHEMA `Main`.`Sales` SET TAGS ('Domain' = 'Sales')", "ALTER SCHEMA `Main`.`Sales` UNSET TAGS ('Legacy')"])
    // What the workspaces hold is exactly the catalog's text and tags; the table's Tier untouched.
    for (const e of [endpoints.dbx, endpoints.uc]) {
      expect(e.model.get('main')).toMatchObject({ comment: texts.catalog, owner: 'marta@example.com' })
      expect(e.model.get('main', 'sales')).toMatchObject({ comment: texts.schema, owner: 'platform-admins' })
      expect(e.model.get('main', 'sales', 'orders')?.comment).toBe(texts.table)
      expect(e.model.get('main', 'sales', 'orders', 'email')?.comment).toBe(texts.column)
      expect(e.model.tagsOf('main')).toEqual(['Cost_Center=Finance'])
      expect(e.model.tagsOf('main', 'sales')).toEqual(['Domain=Sales'])
      expect(e.model.tagsOf('main', 'sales', 'orders')).toEqual(['Tier=Gold'])
      expect(e.model.tagsOf('main', 'sales', 'orders', 'email')).toEqual([`Note=${hostileTag}`, 'PII=Sensitive'])
      expect(e.received.every((r) => r.auth === 'dapi-test-token')).toBe(true)
    }
    expect(endpoints.dbx.model.get('main', 'sales', 'orders')?.owner).toBe('data-owners')
    expect(endpoints.uc.model.get('main', 'sales', 'orders')?.owner).toBe('marta@example.com')
    expect(stdout + stderr).not.toContain('dapi-test-token')
  })

  it('a second run with the workspaces answering the new state reports every operation unchanged and sends nothing', async () => {
    const before = { dbx: endpoints.dbx.changes().length, uc: endpoints.uc.changes().length }
    const { code, stdout } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(1)
    const ops: Op[] = JSON.parse(stdout).operations
    const refused = (o: Op) => o.error?.code === 'AMBIGUOUS_TAG' || o.error?.code === 'OWNER_REMOVAL_UNSUPPORTED'
    expect(ops.filter((o) => !refused(o)).map((o) => `${o.asset}:${o.kind}:${o.status}`).filter((s) => !s.endsWith(':unchanged'))).toEqual([])
    expect(ops.filter((o) => !refused(o))).toHaveLength(19)
    expect(ops.every((o) => o.statements.length === 0)).toBe(true)
    expect({ dbx: endpoints.dbx.changes().length, uc: endpoints.uc.changes().length }).toEqual(before)
  })

  it('the CLI processes opened sockets to loopback only', async () => {
    const hosts = (await readFile(path.join(dir, 'sockets.log'), 'utf8')).trim().split('\n')
    expect(hosts.length).toBeGreaterThan(0)
    expect(hosts.filter((host) => host !== '127.0.0.1')).toEqual([])
    expect(await readFile(path.join(dir, 'refused.log'), 'utf8').catch(() => '')).toBe('')
  })

  it('plan --offline prints both services\' statements and requests without contacting either workspace', async () => {
    const received = endpoints.dbx.received.length + endpoints.uc.received.length
    const { code, stdout } = await revmeta('plan', '--offline', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(0)
    const statements = JSON.parse(stdout).operations.flatMap((o: Op) => o.statements)
    for (const s of [...expected.dbx, ...expected.uc]) expect(statements).toContain(s)
    expect(endpoints.dbx.received.length + endpoints.uc.received.length).toBe(received)
  })
})
