import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { changeEvent, json, tag, user } from '../support/om-events.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * Three channels over one PostgreSQL service: descriptions everywhere through the built-in SQL,
 * PII tags on columns through a custom template into a governance table (PostgreSQL has no
 * native tags), and owners off.
 */
let db: TempDatabase
let dir: string
const svc = 'warehouse'

const insertTag = `INSERT INTO governance.asset_tags (asset, tag_key, tag_value) VALUES ({literal(f"{schema}.{table}.{column}")}, {literal(tag_key)}, {literal(tag_value)}) ON CONFLICT DO NOTHING`
const deleteTag = `DELETE FROM governance.asset_tags WHERE asset = {literal(f"{schema}.{table}.{column}")} AND tag_key = {literal(tag_key)} AND tag_value = {literal(tag_value)}`

function channels(extra: Record<string, unknown> = {}) {
  return [
    { name: 'docs', sync: { descriptions: true, tags: false, owners: false } },
    { name: 'pii', filter: { levels: ['column'], classifications: ['PII'] }, sync: { descriptions: false, tags: true, owners: false }, templates: { tags: insertTag, tagsRemoved: deleteTag }, ...extra },
    { name: 'owners', sync: { descriptions: false, tags: false, owners: false } },
  ]
}

async function writeConfig(name: string, channelList: unknown[]): Promise<string> {
  const file = path.join(dir, name)
  const connection = { host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name }
  await writeFile(file, stringify({ services: [{ name: svc, type: 'postgres', connection }], channels: channelList }))
  return file
}

async function writeEvents(name: string, events: unknown[]): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, JSON.stringify(events))
  return file
}

const t = (table: string) => `${svc}.${db.name}.sales.${table}`

beforeAll(async () => {
  db = await createTempDatabase('rm_chan', ['steward'])
  await db.client.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.customers (id int, email text, phone text);
    CREATE TABLE sales.orders (id int, status text, card text);
    CREATE SCHEMA governance;
    CREATE TABLE governance.asset_tags (asset text, tag_key text, tag_value text, PRIMARY KEY (asset, tag_key, tag_value));
    INSERT INTO governance.asset_tags VALUES ('sales.customers.phone', 'PII', 'Sensitive');
  `)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-channels-'))
})

afterAll(async () => {
  await db?.drop()
})

const mixed = () => [
  changeEvent('table', t('customers'), {
    updated: [{ name: 'description', oldValue: '', newValue: "Customers of the shop; it's **PII** heavy" }],
    added: [{ name: 'columns.email.tags', newValue: json([tag('PII.Sensitive')]) }, { name: 'owners', newValue: json([user(`${db.tag}_steward`)]) }],
  }),
  changeEvent('table', t('orders'), {
    added: [{ name: 'columns.status.tags', newValue: json([tag('Tier.Tier1')]) }, { name: 'tags', newValue: json([tag('PII.Sensitive')]) }],
    updated: [{ name: 'columns.status.description', oldValue: 'x', newValue: 'placed | paid | shipped' }],
  }),
  changeEvent('table', t('customers'), { deleted: [{ name: 'columns.phone.tags', oldValue: json([tag('PII.Sensitive')]) }] }),
]

describe('channels, templates and tags on PostgreSQL', () => {
  it('plan --json lists exactly the expected statements with their channels', async () => {
    const config = await writeConfig('three.yaml', channels())
    const { code, stdout } = await revmeta('plan', '--config', config, '--events', await writeEvents('mixed.json', mixed()), '--json')
    expect(code, stdout).toBe(0)
    const report = JSON.parse(stdout)
    const rows = report.operations.map((o: { channel: string; asset: string; kind: string; statements: string[] }) => [o.channel, o.asset, o.kind, o.statements])
    // Order across kinds within one event carries no meaning; compare as a set.
    const sorted = (list: unknown[][]) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    expect(sorted(rows)).toEqual(sorted([
      ['docs', t('customers'), 'description', [`COMMENT ON TABLE "sales"."customers" IS 'Customers of the shop; it''s **PII** heavy'`]],
      ['pii', `${t('customers')}.email`, 'tags', [`INSERT INTO governance.asset_tags (asset, tag_key, tag_value) VALUES ('sales.customers.email', 'PII', 'Sensitive') ON CONFLICT DO NOTHING`]],
      ['docs', `${t('orders')}.status`, 'description', [`COMMENT ON COLUMN "sales"."orders"."status" IS 'placed | paid | shipped'`]],
      ['pii', `${t('customers')}.phone`, 'tags', [`DELETE FROM governance.asset_tags WHERE asset = 'sales.customers.phone' AND tag_key = 'PII' AND tag_value = 'Sensitive'`]],
    ]))
    expect(report.input.ignored).toMatchObject({ 'no channel syncs owners': 1 })
    expect(Object.keys(report.input.ignored).some((k) => k.startsWith('filtered out by every channel'))).toBe(true)
    expect(report.warnings).toEqual([])
  })

  it('apply writes the comments and the governance rows', async () => {
    const config = await writeConfig('three.yaml', channels())
    const { code, stdout } = await revmeta('apply', '--config', config, '--events', await writeEvents('mixed.json', mixed()), '--json')
    expect(code, stdout).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.summary).toMatchObject({ applied: 4, verified: 2, failed: 0 })
    const tags = await db.client.query('SELECT asset, tag_key, tag_value FROM governance.asset_tags ORDER BY 1')
    expect(tags.rows).toEqual([{ asset: 'sales.customers.email', tag_key: 'PII', tag_value: 'Sensitive' }])
    const comment = await db.client.query(`SELECT obj_description('sales.customers'::regclass, 'pg_class') AS d`)
    expect(comment.rows[0].d).toBe("Customers of the shop; it's **PII** heavy")
  })

  it('refuses an ambiguous tag, naming both tags, unless the channel opts into replacing', async () => {
    const events = await writeEvents('ambiguous.json', [
      changeEvent('table', t('orders'), { added: [{ name: 'columns.card.tags', newValue: json([tag('PII.Sensitive'), tag('PII.NonSensitive')]) }] }),
    ])
    const strict = await revmeta('plan', '--config', await writeConfig('strict.yaml', channels()), '--events', events, '--json')
    expect(strict.code).toBe(1)
    const op = JSON.parse(strict.stdout).operations[0]
    expect(op).toMatchObject({ channel: 'pii', status: 'failed', error: { code: 'AMBIGUOUS_TAG' } })
    expect(op.error.message).toMatch(/PII\.NonSensitive.*PII=Sensitive/)
    const lenient = await revmeta('plan', '--config', await writeConfig('replace.yaml', channels({ options: { tags: { replace: true } } })), '--events', events, '--json')
    expect(lenient.code).toBe(0)
    expect(JSON.parse(lenient.stdout).operations[0].statements).toHaveLength(2)
  })

  it('gives a table-level operation the empty string for {column}, as OpenMetadata documents column "Always"', async () => {
    const unfiltered = channels({ filter: { classifications: ['PII'] } })
    const { code, stdout } = await revmeta('plan', '--config', await writeConfig('any-level.yaml', unfiltered), '--events', await writeEvents('mixed2.json', mixed()), '--json')
    expect(code).toBe(0)
    const ops = JSON.parse(stdout).operations
    const table = ops.find((o: { asset: string; kind: string }) => o.asset === t('orders') && o.kind === 'tags')
    expect(table.status).toBe('planned')
    expect(table.statements).toEqual([expect.stringContaining("VALUES ('sales.orders.', 'PII', 'Sensitive')")])
    // The descriptions were applied by the test before, so they are already in place.
    expect(JSON.parse(stdout).summary).toMatchObject({ total: 5, planned: 3, unchanged: 2, failed: 0 })
  })

  it('rejects a template that cannot parse when the config loads, with its position', async () => {
    const bad = channels({ templates: { tags: 'INSERT {literal(tag_key}' } })
    const { code, stderr } = await revmeta('plan', '--config', await writeConfig('bad.yaml', bad), '--events', await writeEvents('mixed3.json', mixed()))
    expect(code).toBe(2)
    expect(stderr).toMatch(/TEMPLATE_INVALID: channels\[1\]\.templates\.tags/)
    expect(stderr).toMatch(/line 1, column 24[\s\S]*\^/)
    const unknown = channels({ templates: { tags: 'SELECT {tag_key.__class__}' } })
    const second = await revmeta('plan', '--config', await writeConfig('bad2.yaml', unknown), '--events', await writeEvents('mixed4.json', mixed()))
    expect(second.code).toBe(2)
    expect(second.stderr).toMatch(/TEMPLATE_INVALID/)
  })

  it('warns about overlapping channels that would write the same edit differently, and converts Markdown to plain', async () => {
    const list = [
      { name: 'docs', sync: { descriptions: true, tags: false } },
      { name: 'plain-docs', filter: { include: [`${svc}.*.sales.*`] }, sync: { descriptions: true, tags: false }, options: { descriptionFormat: 'plain' } },
    ]
    const events = await writeEvents('md.json', [changeEvent('table', t('orders'), { added: [{ name: 'description', newValue: 'Orders with **bold** and [docs](https://example.com/x)' }] })])
    const { stdout } = await revmeta('plan', '--config', await writeConfig('overlap.yaml', list), '--events', events, '--json')
    const report = JSON.parse(stdout)
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings[0]).toMatch(/docs and plain-docs overlap .* differently/)
    expect(report.operations.map((o: { channel: string; statements: string[] }) => [o.channel, o.statements[0]])).toEqual([
      ['docs', `COMMENT ON TABLE "sales"."orders" IS 'Orders with **bold** and [docs](https://example.com/x)'`],
      ['plain-docs', `COMMENT ON TABLE "sales"."orders" IS 'Orders with bold and docs (https://example.com/x)'`],
    ])
  })
})
