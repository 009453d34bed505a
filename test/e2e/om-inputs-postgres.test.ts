import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { changeEvent, json } from '../support/om-events.js'
import { createTempDatabase, readDescription, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * OpenMetadata's real inputs through `revmeta apply` on the live PostgreSQL: owners sent by id
 * alone and named by a loopback OpenMetadata (GET /api/v1/users/{id}), suggested tags left in the
 * catalog, and pipelines in OpenMetadata's wrappers, checked in the database.
 */
let db: TempDatabase
let dir: string
let om: Server
let omUrl: string
const asked: string[] = []
const svc = 'warehouse'
const annId = '0b6f7c52-1e9a-4c55-9d8e-2f3a4b5c6d7e'
const ghostId = '11111111-2222-4333-8444-555555555555'
const d = () => `${svc}.${db.name}`

const insertTag = `INSERT INTO governance.asset_tags (asset, tag_key, tag_value) VALUES ({literal(f"{schema}.{table}")}, {literal(tag_key)}, {literal(tag_value)})`

async function writeConfig(name: string, channels: unknown[]): Promise<string> {
  const file = path.join(dir, name)
  const service = { name: svc, type: 'postgres', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name } }
  await writeFile(file, stringify({ catalog: { type: 'openmetadata', url: omUrl, timeoutMs: 2000 }, store: { url: `postgres://postgres@127.0.0.1:5432/${db.name}`, schema: `revmeta_${name.replace(/\W/g, '_')}` }, services: [service], channels }))
  return file
}

async function writeJson(name: string, value: unknown): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, JSON.stringify(value))
  return file
}

const owner = async (relation: string) => (await db.client.query(`SELECT pg_get_userbyid(relowner) AS o FROM pg_class WHERE oid = $1::regclass`, [relation])).rows[0].o

beforeAll(async () => {
  db = await createTempDatabase('rm_ominputs', ['ann'])
  await db.client.query(`
    CREATE SCHEMA sales; CREATE SCHEMA governance;
    CREATE TABLE sales.orders (id int, status text);
    CREATE TABLE sales.customers (id int, email text);
    CREATE TABLE sales.refunds (id int);
    CREATE TABLE governance.asset_tags (asset text, tag_key text, tag_value text);
  `)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-ominputs-'))
  // OpenMetadata's users API on loopback: one user; any other id is 404, as OpenMetadata answers.
  om = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`)
    res.setHeader('content-type', 'application/json')
    if (req.url === `/api/v1/users/${annId}`) return res.end(JSON.stringify({ id: annId, name: `${db.tag}_ann`, fullyQualifiedName: `${db.tag}_ann`, email: 'ann@example.com', isBot: false, deleted: false }))
    res.statusCode = 404
    res.end(JSON.stringify({ code: 404, message: `user instance for ${req.url?.split('/').pop()} not found` }))
  })
  await new Promise<void>((resolve) => om.listen(0, '127.0.0.1', resolve))
  omUrl = `http://127.0.0.1:${(om.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => om?.close(resolve))
  await db?.drop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('OpenMetadata inputs applied on PostgreSQL', () => {
  it('names an id-only owner through OpenMetadata; an unknown id fails only its owners change, the description beside it lands', async () => {
    const config = await writeConfig('owners.yaml', [{ name: 'all', sync: { descriptions: true, tags: false, owners: true } }])
    const events = await writeJson('owners.json', [
      changeEvent('table', `${d()}.sales.orders`, { added: [{ name: 'owners', newValue: json([{ id: annId, type: 'user' }]) }] }),
      changeEvent('table', `${d()}.sales.customers`, {
        updated: [{ name: 'description', oldValue: '', newValue: 'People who buy' }],
        added: [{ name: 'owners', newValue: json([{ id: ghostId, type: 'user' }]) }],
      }),
    ])
    const { code, stdout, stderr } = await revmeta('apply', '--config', config, '--events', events, '--json')
    expect(code, stderr).toBe(1)
    const report = JSON.parse(stdout)
    const op = (asset: string, kind: string) => report.operations.find((o: { asset: string; kind: string }) => o.asset === `${d()}.sales.${asset}` && o.kind === kind)
    expect(op('orders', 'owners')).toMatchObject({ status: 'applied', desired: `${db.tag}_ann` })
    expect(op('customers', 'description')).toMatchObject({ status: 'applied' })
    expect(op('customers', 'owners')).toMatchObject({ channel: 'all', status: 'failed', error: { code: 'OWNER_UNRESOLVED' } })
    expect(op('customers', 'owners').error.message).toContain(ghostId)
    expect(await owner('sales.orders')).toBe(`${db.tag}_ann`)
    expect(await owner('sales.customers')).toBe('postgres')
    expect(await readDescription(db.client, 'sales.customers')).toBe('People who buy')
    expect(asked).toEqual(expect.arrayContaining([`GET /api/v1/users/${annId}`, `GET /api/v1/users/${ghostId}`]))
  })

  it('writes confirmed tags and leaves suggestions in the catalog, counting them; tagStates opts in', async () => {
    const label = (tagFQN: string, state?: string) => ({ tagFQN, source: 'Classification', labelType: 'Automated', ...(state ? { state } : {}) })
    const events = await writeJson('tags.json', [
      changeEvent('table', `${d()}.sales.orders`, { added: [{ name: 'tags', newValue: json([label('PII.Sensitive', 'Suggested'), label('Tier.Tier1', 'Confirmed'), label('Team.Sales')]) }] }),
    ])
    const confirmed = await writeConfig('tags.yaml', [{ name: 'tags', sync: { descriptions: false, tags: true }, templates: { tags: insertTag } }])
    const first = await revmeta('apply', '--config', confirmed, '--events', events, '--json')
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout).input.ignored).toMatchObject({ 'tag state Suggested (not in filter.tagStates of channel tags)': 1 })
    const rows = async () => (await db.client.query('SELECT tag_key, tag_value FROM governance.asset_tags ORDER BY 1')).rows.map((r) => `${r.tag_key}.${r.tag_value}`)
    expect(await rows()).toEqual(['Team.Sales', 'Tier.Tier1'])
    await db.client.query('TRUNCATE governance.asset_tags')
    const both = await writeConfig('tags-both.yaml', [{ name: 'tags', filter: { tagStates: ['Confirmed', 'Suggested'] }, sync: { descriptions: false, tags: true }, templates: { tags: insertTag } }])
    const second = await revmeta('apply', '--config', both, '--events', events, '--json')
    expect(second.code, second.stderr).toBe(0)
    expect(await rows()).toEqual(['PII.Sensitive', 'Team.Sales', 'Tier.Tier1'])
  })

  it('applies a pipeline wrapped as OpenMetadata wraps it: the automations Workflow and the ReverseMetadata pipeline with its toggles and patterns', async () => {
    const config = await writeConfig('pipelines.yaml', [{ name: 'all', sync: { descriptions: true, tags: true, owners: true } }])
    const operation = (n: number, table: string, text: string) => ({
      id: `5d1f0a2b-3c4d-4e5f-9a0b-1c2d3e4f5a${String(n).padStart(2, '0')}`,
      entityLink: `<#E::table::${d()}.sales.${table}::description>`,
      type: 'UPDATE_DESCRIPTION',
      SQLTemplate: null,
      parameters: { previousDescription: null, newDescription: text },
    })
    const service = { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', type: 'databaseService', name: svc, fullyQualifiedName: svc }
    const workflow = await writeJson('workflow.json', {
      id: '3f2e1d0c-b9a8-4765-8432-10fedcba9876',
      name: 'reverse-ingestion-orders',
      workflowType: 'REVERSE_INGESTION',
      status: 'Pending',
      request: { type: 'ReverseIngestion', service, operations: [operation(1, 'orders', 'From the workflow')] },
      openMetadataServerConnection: null,
    })
    const viaWorkflow = await revmeta('apply', '--config', config, '--pipeline', workflow, '--json')
    expect(viaWorkflow.code, viaWorkflow.stderr).toBe(0)
    expect(await readDescription(db.client, 'sales.orders')).toBe('From the workflow')

    const agent = await writeJson('reverse-metadata.json', {
      type: 'ReverseMetadata',
      syncDescriptions: true,
      syncTags: true,
      syncOwners: false,
      tableFilterPattern: { includes: ['orders', 'refund.*'], excludes: [] },
      useFqnForFiltering: false,
      service,
      operations: [
        operation(2, 'orders', 'From the agent'),
        operation(3, 'refunds', 'Refunds, filtered in'),
        operation(4, 'customers', 'Never: not in tableFilterPattern'),
        { id: '5d1f0a2b-3c4d-4e5f-9a0b-1c2d3e4f5a05', entityLink: `<#E::table::${d()}.sales.refunds::owner>`, type: 'UPDATE_OWNER', parameters: { addedOwners: [{ id: annId, type: 'user' }] } },
      ],
    })
    const viaAgent = await revmeta('apply', '--config', config, '--pipeline', agent, '--json')
    expect(viaAgent.code, viaAgent.stderr).toBe(0)
    const report = JSON.parse(viaAgent.stdout)
    expect(report.input).toMatchObject({ items: 4, ignored: { "filtered out by the pipeline's filter patterns": 1, 'syncOwners: false': 1 } })
    expect(await readDescription(db.client, 'sales.orders')).toBe('From the agent')
    expect(await readDescription(db.client, 'sales.refunds')).toBe('Refunds, filtered in')
    expect(await readDescription(db.client, 'sales.customers')).toBe('People who buy')
    expect(await owner('sales.refunds')).toBe('postgres')
  })

  it('takes a channel written as OpenMetadata\'s ReverseMetadata configuration verbatim', async () => {
    const config = await writeConfig('verbatim.yaml', [
      { type: 'ReverseMetadata', syncDescriptions: true, syncTags: false, syncOwners: true, tableFilterPattern: { includes: ['^customers$'] }, useFqnForFiltering: false, service: { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', type: 'databaseService', name: svc } },
    ])
    const events = await writeJson('verbatim.json', [
      changeEvent('table', `${d()}.sales.customers`, { updated: [{ name: 'description', oldValue: 'People who buy', newValue: 'Customers, via a verbatim channel' }], added: [{ name: 'owners', newValue: json([{ id: annId, type: 'user' }]) }] }),
      changeEvent('table', `${d()}.sales.orders`, { updated: [{ name: 'description', oldValue: 'x', newValue: 'Not in the channel' }] }),
    ])
    const { code, stdout, stderr } = await revmeta('apply', '--config', config, '--events', events, '--json')
    const report = JSON.parse(stdout)
    expect(code, JSON.stringify(report.operations, null, 1) + stderr).toBe(0)
    expect(report.operations.map((o: { channel: string; kind: string; status: string }) => [o.channel, o.kind, o.status]).sort()).toEqual([
      [`reverse-metadata-${svc}`, 'description', 'applied'],
      [`reverse-metadata-${svc}`, 'owners', 'applied'],
    ])
    expect(await readDescription(db.client, 'sales.customers')).toBe('Customers, via a verbatim channel')
    expect(await readDescription(db.client, 'sales.orders')).toBe('From the agent')
    expect(await owner('sales.customers')).toBe(`${db.tag}_ann`)
  })
})
