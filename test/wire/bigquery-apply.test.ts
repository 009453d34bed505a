import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { startBigQueryEndpoint, type BigQueryEndpoint, type Resource } from '../support/bigquery-endpoint.js'
import { throwawayKeyFile } from '../support/bigquery-key.js'
import { dataset, project, seedBigQuery } from '../support/bigquery-seed.js'
import { changeEvent, json, tag, user } from '../support/om-events.js'
import { revmeta } from '../support/run-cli.js'

/**
 * The issue's "done when" for BigQuery: one OpenMetadata event stream through `revmeta apply` (the
 * built CLI in a child process, the real @google-cloud/bigquery against the loopback endpoint,
 * under the network guard with metadata-server detection off and a throwaway key). The endpoint
 * ends holding exactly the expected metadata, every other field unchanged; a second run sends
 * nothing; and no connection left loopback.
 */
const guard = path.resolve(import.meta.dirname, '../support/network-guard.mjs')
const texts = {
  dataset: `Sales "data" it's C:\\new\nline 2 🦄 שלום`,
  orders: `Orders\t$$ \\d '; DROP TABLE x; --`,
  lon: 'Longitude (nested STRUCT field)',
  view: 'Orders per day',
  viewColumn: 'Orders that day',
  mv: 'Totals per customer',
  tooLong: 'x'.repeat(1_025),
}
const fqn = (...parts: string[]) => ['bq', project, dataset, ...parts].join('.')

let dir: string
let endpoint: BigQueryEndpoint
let config: string
let events: string
let before: { dataset: Resource; orders: Resource; daily: Resource; totals: Resource }
const saved: Record<string, string | undefined> = {}
const childEnv = (guardLog: string) => ({ NODE_OPTIONS: `--import ${guard}`, METADATA_SERVER_DETECTION: 'none', REVMETA_NETWORK_GUARD_LOG: guardLog, GOOGLE_APPLICATION_CREDENTIALS: undefined })

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-bigquery-'))
  endpoint = await startBigQueryEndpoint()
  seedBigQuery(endpoint)
  before = { dataset: endpoint.dataset(project, dataset), orders: endpoint.table(project, dataset, 'orders'), daily: endpoint.table(project, dataset, 'daily'), totals: endpoint.table(project, dataset, 'totals') }
  const key = throwawayKeyFile(project)
  // The CLI children inherit these: the guard refuses and logs any connection off loopback.
  for (const [k, v] of Object.entries(childEnv(path.join(dir, 'guard.log')))) {
    saved[k] = process.env[k]
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  config = path.join(dir, 'revmeta.yaml')
  await writeFile(
    config,
    stringify({
      services: [{ name: 'bq', type: 'bigquery', connection: { projectId: project, keyFile: key.keyFile, apiEndpoint: endpoint.url, location: 'EU', ownerLabel: 'owner' }, owners: { strategy: 'map', map: { marta: 'marta-k' } } }],
      channels: [{ name: 'everything', sync: { descriptions: true, tags: true, owners: true } }],
    }),
  )
  events = path.join(dir, 'events.json')
  await writeFile(
    events,
    JSON.stringify([
      changeEvent('database', `bq.${project}`, { added: [{ name: 'description', newValue: 'A project' }, { name: 'owners', newValue: json([user('marta')]) }, { name: 'tags', newValue: json([tag('Tier.Gold')]) }] }),
      changeEvent('databaseSchema', fqn(), {
        updated: [{ name: 'description', oldValue: 'Sales data', newValue: texts.dataset }],
        added: [{ name: 'tags', newValue: json([tag('Domain.Sales')]) }, { name: 'owners', newValue: json([user('marta')]) }],
        deleted: [{ name: 'tags', oldValue: json([tag('Team.Finance')]) }],
      }),
      changeEvent('table', fqn('orders'), {
        updated: [{ name: 'description', oldValue: 'Orders', newValue: texts.orders }],
        added: [
          { name: 'columns."address.geo.lon".description', newValue: texts.lon },
          { name: 'columns.id.description', newValue: texts.tooLong },
          // Needs mapping to a label: "Data Quality" → data_quality, "Gold Plus" → gold_plus.
          { name: 'tags', newValue: json([tag('"Data Quality"."Gold Plus"')]) },
          { name: 'owners', newValue: json([user('marta')]) },
        ],
      }),
      changeEvent('table', fqn('daily'), {
        added: [
          { name: 'description', newValue: texts.view },
          { name: 'columns.n.description', newValue: texts.viewColumn },
          // Two tags on one label key: refused, never one silently winning.
          { name: 'tags', newValue: json([tag('PII.Sensitive'), tag('pii.None')]) },
        ],
      }),
      changeEvent('table', fqn('totals'), { added: [{ name: 'description', newValue: texts.mv }] }),
    ]),
  )
})

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  await endpoint?.close()
  await rm(dir, { recursive: true, force: true })
})

type Op = { asset: string; kind: string; status: string; statements: string[]; error?: { code: string } }
const statuses = (ops: Op[]) => ops.map((o) => `${o.asset}:${o.kind}:${o.status}${o.error ? `:${o.error.code}` : ''}`).sort()
const withoutEtag = ({ etag: _e, ...rest }: Resource) => rest
const fields = (r: Resource) => (r.schema as { fields: Resource[] }).fields

describe('revmeta apply on BigQuery (wire tier)', () => {
  it('plan --offline --json shows each request as METHOD path and the changed fields only', async () => {
    const { code, stdout, stderr } = await revmeta('plan', '--offline', '--config', config, '--events', events, '--json')
    const ops = JSON.parse(stdout).operations as Op[]
    // Refused already offline: the too-long column description and the two tags on one label key.
    expect(code, stderr).toBe(1)
    expect(ops.filter((o) => o.status === 'failed').map((o) => o.error!.code).sort()).toEqual(['AMBIGUOUS_TAG', 'VALUE_TOO_LONG'])
    const lon = ops.find((o) => o.asset === fqn('orders', '"address.geo.lon"'))!
    const T = `/bigquery/v2/projects/${project}/datasets/${dataset}`
    expect(lon.statements).toEqual([`PATCH ${T}/tables/orders {"schema":{"fields":[{"name":"address","fields":[{"name":"geo","fields":[{"name":"lon","description":"${texts.lon}"}]}]}]}}`])
    expect(ops.find((o) => o.asset === fqn() && o.kind === 'tags')!.statements).toEqual([`PATCH ${T} {"labels":{"team":null,"domain":"sales"}}`])
    expect(ops.find((o) => o.asset === fqn('orders') && o.kind === 'owners')!.statements).toEqual([`PATCH ${T}/tables/orders {"labels":{"owner":"marta-k"}}`])
    expect(endpoint.received).toEqual([])
  })

  it('plan (online) shows the complete schema filled from the read, with its ETag', async () => {
    const { stdout } = await revmeta('plan', '--config', config, '--events', events, '--json')
    const lon = (JSON.parse(stdout).operations as Op[]).find((o) => o.asset === fqn('orders', '"address.geo.lon"'))!
    const body = JSON.parse(lon.statements[0]!.slice(lon.statements[0]!.indexOf(' {') + 1))
    expect(body.etag).toBe(before.orders.etag)
    expect(body.schema.fields.map((f: Resource) => f.name)).toEqual(['id', 'customer_id', 'ordered_at', 'address', 'items'])
    expect(endpoint.received.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('lands exactly the expected metadata, every other field unchanged; refuses what it must with codes', async () => {
    endpoint.received.length = 0
    const { code, stdout, stderr } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout + stderr).toBe(1)
    const ops = JSON.parse(stdout).operations as Op[]
    expect(statuses(ops)).toEqual(
      [
        `bq.${project}:description:unsupported:UNSUPPORTED`,
        `bq.${project}:owners:unsupported:UNSUPPORTED`,
        `bq.${project}:tags:unsupported:UNSUPPORTED`,
        `${fqn()}:description:applied`,
        `${fqn()}:tags:applied`,
        `${fqn()}:owners:applied`,
        `${fqn('orders')}:description:applied`,
        `${fqn('orders', '"address.geo.lon"')}:description:applied`,
        `${fqn('orders', 'id')}:description:failed:VALUE_TOO_LONG`,
        `${fqn('orders')}:tags:applied`,
        `${fqn('orders')}:owners:applied`,
        `${fqn('daily')}:description:applied`,
        `${fqn('daily', 'n')}:description:applied`,
        `${fqn('daily')}:tags:failed:AMBIGUOUS_TAG`,
        `${fqn('totals')}:description:applied`,
      ].sort(),
    )
    // The dataset: description and labels changed as the catalog says, access, location, expiration as they were.
    expect(withoutEtag(endpoint.dataset(project, dataset))).toEqual(withoutEtag({ ...before.dataset, description: texts.dataset, labels: { domain: 'sales', owner: 'marta-k' } }))
    const orders = endpoint.table(project, dataset, 'orders')
    const expectedFields = structuredClone(fields(before.orders))
    ;((expectedFields[3]!.fields as Resource[])[1]!.fields as Resource[])[1]!.description = texts.lon
    expect(withoutEtag(orders)).toEqual(withoutEtag({ ...before.orders, description: texts.orders, labels: { env: 'prod', tier: 'gold', data_quality: 'gold_plus', owner: 'marta-k' }, schema: { fields: expectedFields } }))
    const daily = endpoint.table(project, dataset, 'daily')
    const dailyFields = structuredClone(fields(before.daily))
    dailyFields[1]!.description = texts.viewColumn
    expect(withoutEtag(daily)).toEqual(withoutEtag({ ...before.daily, description: texts.view, schema: { fields: dailyFields } }))
    expect(withoutEtag(endpoint.table(project, dataset, 'totals'))).toEqual(withoutEtag({ ...before.totals, description: texts.mv }))
    // Every schema patch carried the ETag of the read it was made from.
    expect(endpoint.received.filter((r) => r.method === 'PATCH' && r.body?.schema).every((r) => r.ifMatch !== undefined)).toBe(true)
  })

  it('a second run reports every operation unchanged (or refused as before) and sends nothing', async () => {
    endpoint.received.length = 0
    const { stdout } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    const ops = JSON.parse(stdout).operations as Op[]
    const changed = ops.filter((o) => o.status !== 'unchanged' && o.status !== 'unsupported' && !(o.status === 'failed' && ['VALUE_TOO_LONG', 'AMBIGUOUS_TAG'].includes(o.error!.code)))
    expect(changed).toEqual([])
    expect(ops.filter((o) => o.status === 'unchanged')).toHaveLength(10)
    expect(endpoint.received.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('through the durable queue (the store, an in-process worker): a drifted table is put right, the rest is unchanged', async () => {
    endpoint.changeTable(project, dataset, 'orders', (r) => {
      r.description = 'drifted'
      ;((fields(r)[3]!.fields as Resource[])[1]!.fields as Resource[])[1]!.description = 'drifted too'
    })
    const durable = path.join(dir, 'durable.yaml')
    await writeFile(durable, readFileSync(config, 'utf8') + stringify({ store: { dir: path.join(dir, 'store') } }))
    endpoint.received.length = 0
    const { stdout, stderr } = await revmeta('apply', '--config', durable, '--events', events, '--json')
    const ops = JSON.parse(stdout).operations as Op[]
    expect(ops.filter((o) => o.status === 'applied').map((o) => o.asset).sort(), stderr).toEqual([fqn('orders'), fqn('orders', '"address.geo.lon"')].sort())
    expect(endpoint.received.filter((r) => r.method === 'PATCH')).toHaveLength(1)
    const orders = endpoint.table(project, dataset, 'orders')
    expect(orders.description).toBe(texts.orders)
    expect(((fields(orders)[3]!.fields as Resource[])[1]!.fields as Resource[])[1]!.description).toBe(texts.lon)
  })

  it('no connection anywhere but loopback (metadata servers included)', async () => {
    const log = path.join(dir, 'guard.log')
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('')
    expect(endpoint.received.length).toBeGreaterThan(0)
    // The guard was loaded in those children: the same environment refuses and logs a metadata-server probe.
    await promisify(execFile)(process.execPath, ['-e', "require('node:net').connect(80, '169.254.169.254').on('error', () => {})"])
    expect(readFileSync(log, 'utf8')).toBe('169.254.169.254:80\n')
  })
})
