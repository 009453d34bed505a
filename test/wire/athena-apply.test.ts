import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { startGlueEndpoint, type GlueEndpoint, type GlueObject } from '../support/glue-endpoint.js'
import { ordersTable, ordersView, salesDatabase, seedSales } from '../support/glue-tables.js'
import { changeEvent, json, tag, user } from '../support/om-events.js'
import { writeCliRunFiles } from '../support/cli-run-files.js'
import { revmeta } from '../support/run-cli.js'

/**
 * Done when: one stream of OpenMetadata events goes through `revmeta apply` (the built CLI, a
 * child process under the network guard) to an Athena service whose Glue endpoint is the loopback
 * stand-in; the endpoint ends holding exactly the expected metadata and every other field as it
 * was; a second run reports every operation that landed `unchanged` and sends nothing.
 */
const texts = {
  schema: `Curated sales lake: it's "quoted", C:\\new\\table \\\\ $$\nsecond line 🦄 שלום`,
  orders: `Orders — one row per order; 'quotes' "double" \\ $1 e\u0301 👩‍👩‍👧`,
  id: `Order key: it's "unique" \\ $$ 🦄`,
  dt: 'Load date (UTC)',
  view: 'Orders as the shop sees them',
  tooLong: 'x'.repeat(256),
  newline: 'first line\nsecond line',
  nested: 'Street of the customer address',
}
const secret = 'athena-secret-key/K7MDENG'

let dir: string
let endpoint: GlueEndpoint
let config: string
let events: string
let guardLog: string
let saved: Record<string, string | undefined>

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-athena-'))
  endpoint = seedSales(await startGlueEndpoint(2), 3)
  await writeFile(path.join(dir, 'aws-secret'), `${secret}\n`)
  guardLog = path.join(dir, 'refused.log')
  saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, AWS_EC2_METADATA_DISABLED: process.env.AWS_EC2_METADATA_DISABLED, REVMETA_NETWORK_GUARD_LOG: process.env.REVMETA_NETWORK_GUARD_LOG }
  // The CLI children inherit these: every non-loopback connection is refused and written down.
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import ${path.resolve('test/support/network-guard.mjs')}`].filter(Boolean).join(' ')
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  process.env.REVMETA_NETWORK_GUARD_LOG = guardLog
  ;({ config, events } = await writeCliRunFiles(
    dir,
    [
      {
        name: 'ath',
        type: 'athena',
        connection: { region: 'eu-west-1', endpoint: endpoint.url, accessKeyId: 'AKIDAPPLY', secretAccessKeyFile: 'aws-secret', maxAttempts: 2 },
        owners: { strategy: 'map', map: { marta: 'marta@example.com' } },
        execution: { concurrency: 1 },
      },
    ],
    [
      changeEvent('database', 'ath.awsdatacatalog', {
        added: [
          { name: 'description', newValue: 'The Data Catalog' },
          { name: 'owners', newValue: json([user('marta')]) },
          { name: 'tags', newValue: json([tag('Tier.Gold')]) },
        ],
      }),
      changeEvent('databaseSchema', 'ath.awsdatacatalog.sales', {
        updated: [{ name: 'description', oldValue: 'Sales data lake', newValue: texts.schema }],
        added: [
          { name: 'tags', newValue: json([tag('Domain.Sales & Ops v1.2')]) },
          { name: 'owners', newValue: json([user('marta')]) },
        ],
        deleted: [{ name: 'tags', oldValue: json([tag('Tier.Gold')]) }],
      }),
      changeEvent('table', 'ath.awsdatacatalog.sales.orders', {
        updated: [{ name: 'description', oldValue: 'Orders', newValue: texts.orders }],
        added: [
          { name: 'owners', newValue: json([user('marta')]) },
          { name: 'columns.id.description', newValue: texts.id },
          { name: 'columns.dt.description', newValue: texts.dt },
          { name: 'columns.amount.description', newValue: texts.tooLong },
          { name: 'columns.region.description', newValue: texts.newline },
          { name: 'columns."customer.address.street".description', newValue: texts.nested },
          { name: 'columns.customer.tags', newValue: json([tag('PII.Sensitive')]) },
          // Two tags of one classification: which value the one parameter holds would be a guess.
          { name: 'tags', newValue: json([tag('Tier.Silver'), tag('Tier.Bronze')]) },
        ],
      }),
      changeEvent('table', 'ath.awsdatacatalog.sales.v_orders', { updated: [{ name: 'description', oldValue: 'old view', newValue: texts.view }] }),
    ],
  ))
})

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  await endpoint?.close()
  await rm(dir, { recursive: true, force: true })
})

type Op = { asset: string; kind: string; status: string; statements: string[]; error?: { code: string; message: string } }
const summary = (ops: Op[]) => ops.map((o) => `${o.asset}:${o.kind}:${o.status}${o.error ? `:${o.error.code}` : ''}`).sort()

describe('revmeta apply on Athena (wire tier)', () => {
  let ordersBefore: GlueObject
  let viewBefore: GlueObject

  it('lands every description, tag and owner Glue can hold, refuses the rest with a code, and keeps every other field', async () => {
    ordersBefore = endpoint.table('sales', 'orders')!
    viewBefore = endpoint.table('sales', 'v_orders')!
    const { code, stdout, stderr } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout + stderr).toBe(1)
    const report = JSON.parse(stdout) as { operations: Op[] }
    expect(summary(report.operations)).toEqual([
      'ath.awsdatacatalog.sales.orders."customer.address.street":description:failed:OBJECT_NOT_FOUND',
      'ath.awsdatacatalog.sales.orders.amount:description:failed:VALUE_TOO_LONG',
      'ath.awsdatacatalog.sales.orders.customer:tags:applied',
      'ath.awsdatacatalog.sales.orders.dt:description:applied',
      'ath.awsdatacatalog.sales.orders.id:description:applied',
      'ath.awsdatacatalog.sales.orders.region:description:failed:VALUE_INVALID',
      'ath.awsdatacatalog.sales.orders:description:applied',
      'ath.awsdatacatalog.sales.orders:owners:applied',
      'ath.awsdatacatalog.sales.orders:tags:failed:AMBIGUOUS_TAG',
      'ath.awsdatacatalog.sales.v_orders:description:applied',
      'ath.awsdatacatalog.sales:description:applied',
      'ath.awsdatacatalog.sales:owners:unsupported:UNSUPPORTED',
      'ath.awsdatacatalog.sales:tags:applied',
      'ath.awsdatacatalog:description:unsupported:UNSUPPORTED',
      'ath.awsdatacatalog:owners:unsupported:UNSUPPORTED',
      'ath.awsdatacatalog:tags:unsupported:UNSUPPORTED',
    ])
    // The table: exactly the catalog's metadata, every other field as it was.
    const orders = endpoint.table('sales', 'orders')!
    const columns = structuredClone((ordersTable.StorageDescriptor as { Columns: GlueObject[] }).Columns)
    columns[0]!.Comment = texts.id
    columns[1]!.Parameters = { ...(columns[1]!.Parameters as object), 'openmetadata.tag.PII': 'Sensitive' }
    const partitions = structuredClone(ordersTable.PartitionKeys as GlueObject[])
    partitions[0]!.Comment = texts.dt
    expect(orders).toEqual({
      ...ordersBefore,
      Description: texts.orders,
      Owner: 'marta@example.com',
      Parameters: { ...(ordersTable.Parameters as object), comment: texts.orders },
      StorageDescriptor: { ...(ordersTable.StorageDescriptor as object), Columns: columns },
      PartitionKeys: partitions,
      UpdateTime: orders.UpdateTime,
      // The table's five operations went as one UpdateTable.
      VersionId: String(Number(ordersBefore.VersionId) + 1),
    })
    expect(endpoint.table('sales', 'v_orders')).toEqual({ ...viewBefore, Description: texts.view, Parameters: { ...(ordersView.Parameters as object), comment: texts.view }, UpdateTime: 1_800_000_000, VersionId: '2' })
    const { 'openmetadata.tag.Tier': _removed, ...parameters } = salesDatabase.Parameters as Record<string, string>
    expect(endpoint.database('sales')).toEqual({ ...endpoint.database('sales'), ...salesDatabase, Description: texts.schema, Parameters: { ...parameters, 'openmetadata.tag.Domain': 'Sales & Ops v1.2' } })
    // Every update carried SkipArchive; every table update a VersionId; and nothing failed sent anything.
    expect(endpoint.updates().every((u) => u.action === 'UpdateDatabase' || (u.body.SkipArchive === true && typeof u.body.VersionId === 'string'))).toBe(true)
    for (const op of report.operations.filter((o) => o.status !== 'applied')) expect(op.statements, op.asset).toEqual([])
    // The secret key file reached the signature (the endpoint saw the key id), and no output.
    expect(endpoint.requests.every((r) => r.accessKeyId === 'AKIDAPPLY')).toBe(true)
    expect(stdout + stderr).not.toContain(secret)
  })

  it('the CLI made no connection anywhere but loopback (no instance-metadata probe, no AWS endpoint)', async () => {
    const refused = await readFile(guardLog, 'utf8').catch(() => '')
    expect(refused).toBe('')
    // Control: under the same environment the guard is loaded and would have written a probe down
    // (it refuses before any packet leaves).
    const control = path.join(dir, 'control.log')
    await promisify(execFile)(process.execPath, ['-e', "require('node:net').connect(80, '169.254.169.254').on('error', () => {})"], { env: { ...process.env, REVMETA_NETWORK_GUARD_LOG: control } })
    expect((await readFile(control, 'utf8')).trim()).toBe('169.254.169.254:80')
  })

  it('a second run finds everything in place: unchanged, nothing sent', async () => {
    const updates = endpoint.updates().length
    const { code, stdout } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout).toBe(1)
    const report = JSON.parse(stdout) as { summary: Record<string, number>; operations: Op[] }
    expect(report.summary).toMatchObject({ unchanged: 8, applied: 0, failed: 4, unsupported: 4 })
    expect(endpoint.updates()).toHaveLength(updates)
  })

  it('through the embedded state store (the durable queue and its worker) the same run is unchanged too', async () => {
    const updates = endpoint.updates().length
    const stored = path.join(dir, 'stored.yaml')
    await writeFile(stored, (await readFile(config, 'utf8')) + stringify({ store: { dir: path.join(dir, 'store') }, execution: { waitForRetriesMs: 0 } }))
    const { code, stdout, stderr } = await revmeta('apply', '--config', stored, '--events', events, '--json')
    expect(code, stdout + stderr).toBe(1)
    expect((JSON.parse(stdout) as { summary: Record<string, number> }).summary).toMatchObject({ unchanged: 8, failed: 4, unsupported: 4 })
    expect(endpoint.updates()).toHaveLength(updates)
  })

  it('plan --offline shows each request as POST AWSGlue.<Action> with the changed fields only, contacting nothing', async () => {
    const received = endpoint.requests.length
    const { code, stdout } = await revmeta('plan', '--offline', '--config', config, '--events', events, '--json')
    // The too-long and the multi-line column comments are refused in the plan too: exit 1.
    expect(code, stdout).toBe(1)
    const statements = (JSON.parse(stdout) as { operations: Op[] }).operations.flatMap((o) => o.statements)
    expect(statements).toContain(`POST AWSGlue.UpdateTable ${JSON.stringify({ DatabaseName: 'sales', Name: 'orders', SkipArchive: true, TableInput: { Name: 'orders', Description: texts.orders, Parameters: { comment: texts.orders } } })}`)
    expect(statements).toContain(`POST AWSGlue.UpdateTable ${JSON.stringify({ DatabaseName: 'sales', Name: 'orders', SkipArchive: true, TableInput: { Name: 'orders', StorageDescriptor: { Columns: [{ Name: 'dt', Comment: texts.dt }] } } })}`)
    expect(statements).toContain(`POST AWSGlue.UpdateDatabase ${JSON.stringify({ Name: 'sales', DatabaseInput: { Name: 'sales', Description: texts.schema } })}`)
    // A removed tag shows as null: at apply time its parameter goes, if it still holds that value.
    expect(statements).toContain(`POST AWSGlue.UpdateDatabase ${JSON.stringify({ Name: 'sales', DatabaseInput: { Name: 'sales', Parameters: { 'openmetadata.tag.Domain': 'Sales & Ops v1.2', 'openmetadata.tag.Tier': null } } })}`)
    expect(endpoint.requests.length).toBe(received)
  })

  it('plan (online) shows the complete TableInput filled from the read', async () => {
    endpoint.changeTable('sales', 'orders', (t) => void (t.Owner = 'someone-else'))
    const { stdout } = await revmeta('plan', '--config', config, '--events', events, '--json')
    const owner = (JSON.parse(stdout) as { operations: Op[] }).operations.find((o) => o.asset === 'ath.awsdatacatalog.sales.orders' && o.kind === 'owners')!
    const body = JSON.parse(owner.statements[0]!.replace(/^POST AWSGlue\.UpdateTable /, '')) as { VersionId: string; TableInput: GlueObject }
    const table = endpoint.table('sales', 'orders')!
    expect(body.VersionId).toBe(table.VersionId)
    expect(body.TableInput).toEqual({ ...Object.fromEntries(Object.entries(table).filter(([k]) => !['DatabaseName', 'CreateTime', 'UpdateTime', 'CreatedBy', 'IsRegisteredWithLakeFormation', 'CatalogId', 'VersionId'].includes(k))), Owner: 'marta@example.com' })
  })
})
