import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { OpenMetadataClient } from '../../src/openmetadata/om-client.js'
import type { OmEntity } from '../../src/openmetadata/om-types.js'

/**
 * The same client against payloads in OpenMetadata's published shapes (1.5+ entities, ResultList
 * paging, ChangeEvents with JSON-string list values), served by a fake server that also checks
 * what the client asks for.
 */
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/openmetadata/${name}`, import.meta.url), 'utf8')

interface Seen {
  method: string
  path: string
  query: Record<string, string>
  contentType?: string
  authorization?: string
  body: string
}

let server: Server
let url: string
const seen: Seen[] = []

function route(method: string, path: string, query: Record<string, string>): { status: number; body: string } {
  if (method === 'GET' && path === `/api/v1/tables/name/${encodeURIComponent('warehouse.shop.sales.orders')}`) return { status: 200, body: fixture('table-orders.json') }
  if (method === 'GET' && path === '/api/v1/tables') return { status: 200, body: fixture(query.after === 'b3JkZXJz' ? 'tables-page-2.json' : 'tables-page-1.json') }
  if (method === 'PATCH' && path === '/api/v1/tables/6f1b2c3d-8e4a-4b5c-9d6e-1f2a3b4c5d66') return { status: 200, body: fixture('table-orders-patched.json') }
  if (method === 'GET' && path === '/api/v1/events') return { status: 200, body: fixture('events.json') }
  if (method === 'GET' && path === '/api/v1/users/name/alice') return { status: 200, body: fixture('user-alice.json') }
  if (method === 'GET' && path === '/api/v1/teams/name/data-platform') return { status: 200, body: fixture('team-data-platform.json') }
  return { status: 404, body: JSON.stringify({ code: 404, message: `Entity not found for ${path}` }) }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      const entry: Seen = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), body: Buffer.concat(chunks).toString('utf8') }
      if (req.headers['content-type']) entry.contentType = String(req.headers['content-type'])
      if (req.headers.authorization) entry.authorization = req.headers.authorization
      seen.push(entry)
      const answer = route(entry.method, entry.path, entry.query)
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise((r) => server.close(r)))

const client = () => new OpenMetadataClient({ url, token: 'jwt-of-a-bot', retries: 0 })
const last = () => seen[seen.length - 1]!

describe('OpenMetadataClient against recorded OpenMetadata payloads', () => {
  it('getEntity: a table with columns (one with a dotted name), tags and owners', async () => {
    const table = await client().getEntity('table', 'warehouse.shop.sales.orders')
    expect(last()).toMatchObject({ method: 'GET', query: { fields: 'columns,tags,owners' }, authorization: 'Bearer jwt-of-a-bot' })
    expect(table).toMatchObject({ name: 'orders', version: 0.3, owners: [{ type: 'user', name: 'alice' }], tags: [{ tagFQN: 'Tier.Tier1' }] })
    expect(table.columns?.[1]).toMatchObject({ name: 'customer.email', fullyQualifiedName: 'warehouse.shop.sales.orders."customer.email"', tags: [{ tagFQN: 'PII.Sensitive' }] })
  })

  it('listEntities: follows paging.after to the second page and stops without one', async () => {
    const tables: OmEntity[] = []
    for await (const t of client().listEntities('table', { databaseSchema: 'warehouse.shop.sales' }, 'columns,tags,owners', 2)) tables.push(t)
    expect(tables.map((t) => t.name)).toEqual(['customers', 'orders', 'payments'])
    const lists = seen.filter((s) => s.path === '/api/v1/tables')
    expect(lists.map((s) => s.query)).toEqual([
      { databaseSchema: 'warehouse.shop.sales', fields: 'columns,tags,owners', limit: '2' },
      { databaseSchema: 'warehouse.shop.sales', fields: 'columns,tags,owners', limit: '2', after: 'b3JkZXJz' },
    ])
  })

  it('patchEntity: sends a JSON Patch as application/json-patch+json', async () => {
    const patch = [{ op: 'add' as const, path: '/columns/2/description', value: 'placed | paid | shipped' }]
    const updated = await client().patchEntity('table', '6f1b2c3d-8e4a-4b5c-9d6e-1f2a3b4c5d66', patch)
    expect(last()).toMatchObject({ method: 'PATCH', contentType: 'application/json-patch+json' })
    expect(JSON.parse(last().body)).toEqual(patch)
    expect(updated.version).toBe(0.4)
  })

  it('listEvents: asks for every reverse entity type, and the events normalize into the intended changes', async () => {
    const events = await client().listEvents(1763700000000)
    expect(last().query).toEqual({ entityCreated: 'database,databaseSchema,table', entityUpdated: 'database,databaseSchema,table', entityDeleted: 'database,databaseSchema,table', timestamp: '1763700000000' })
    expect(events).toHaveLength(6)
    const { changes, ignored, errors } = normalizeChangeEvents(events)
    expect(errors).toEqual([])
    expect(ignored).toMatchObject({ 'eventType:entityCreated': 1, 'eventType:entitySoftDeleted': 1 })
    const table = { level: 'table', service: 'warehouse', database: 'shop', schema: 'sales', table: 'orders' }
    const schema = { level: 'schema', service: 'warehouse', database: 'shop', schema: 'sales' }
    expect(changes.map(({ origin, ...c }) => ({ ...c, user: origin.user }))).toEqual([
      { kind: 'owners', asset: table, added: [expect.objectContaining({ type: 'user', name: 'alice' })], removed: [], user: 'alice' },
      { kind: 'tags', asset: table, added: [expect.objectContaining({ tagFQN: 'Tier.Tier1', source: 'Classification' })], removed: [], user: 'alice' },
      { kind: 'description', asset: table, before: 'orders', after: 'All orders placed in the web shop.', user: 'alice' },
      { kind: 'tags', asset: { ...table, level: 'column', column: 'customer.email' }, added: [expect.objectContaining({ tagFQN: 'PII.Sensitive' })], removed: [], user: 'alice' },
      { kind: 'description', asset: schema, before: 'Sales data', after: null, user: 'alice' },
      { kind: 'owners', asset: schema, added: [], removed: [expect.objectContaining({ type: 'team', name: 'data-platform' })], user: 'alice' },
      { kind: 'description', asset: { ...table, level: 'column', column: 'status' }, before: null, after: 'from the source', user: 'ingestion-bot' },
    ])
  })

  it('getUser and getTeam: teams and users as entity references', async () => {
    const user = await client().getUser('alice')
    expect(last().query).toEqual({ fields: 'teams' })
    expect(user).toMatchObject({ name: 'alice', email: 'alice.smith@example.com', teams: [{ type: 'team', name: 'data-platform' }] })
    const team = await client().getTeam('data-platform')
    expect(last().query).toEqual({ fields: 'users' })
    expect(team).toMatchObject({ name: 'data-platform', email: 'data-platform@example.com', users: [{ type: 'user', name: 'alice' }] })
  })
})
