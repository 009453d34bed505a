import { describe, expect, it } from 'vitest'
import { OpenMetadataClient } from '../../src/openmetadata/om-client.js'

type Call = { url: URL; init: RequestInit }

/** A fetch that answers from a script and records what the client sent. */
function scripted(responses: (Response | Error)[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = []
  const fetchImpl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    calls.push({ url: new URL(String(input)), init: init ?? {} })
    const next = responses.shift()
    if (!next) throw new Error('no more scripted responses')
    if (next instanceof Error) throw next
    return next
  }) as typeof fetch
  return { fetch: fetchImpl, calls }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
const noSleep = async () => {}

describe('OpenMetadataClient', () => {
  it('fetches an entity by FQN with a bot token and the fields reverse metadata needs', async () => {
    const { fetch, calls } = scripted([json({ id: '1', name: 'orders', fullyQualifiedName: 'svc.db.s."my.orders"' })])
    const client = new OpenMetadataClient({ url: 'http://om:8585/', token: 'jwt-token', fetch })
    const entity = await client.getEntity('table', 'svc.db.s."my.orders"')
    expect(entity.name).toBe('orders')
    expect(calls[0]!.url.pathname).toBe('/api/v1/tables/name/svc.db.s.%22my.orders%22')
    expect(calls[0]!.url.searchParams.get('fields')).toBe('columns,tags,owners')
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer jwt-token')
  })

  it('follows OpenMetadata paging through `after`', async () => {
    const { fetch, calls } = scripted([
      json({ data: [{ id: '1', name: 'a', fullyQualifiedName: 's.d.x.a' }], paging: { after: 'CUR1', total: 2 } }),
      json({ data: [{ id: '2', name: 'b', fullyQualifiedName: 's.d.x.b' }], paging: { total: 2 } }),
    ])
    const client = new OpenMetadataClient({ url: 'http://om:8585', fetch })
    const names: string[] = []
    for await (const e of client.listEntities('table', { databaseSchema: 's.d.x' })) names.push(e.name)
    expect(names).toEqual(['a', 'b'])
    expect(calls[1]!.url.searchParams.get('after')).toBe('CUR1')
    expect(calls[0]!.url.searchParams.get('databaseSchema')).toBe('s.d.x')
  })

  it('retries timeouts, 5xx and 429, and names the catalog as unreachable when it stays down', async () => {
    const { fetch, calls } = scripted([new Error('socket hang up'), json({ message: 'busy' }, 503), json({}, 429, { 'retry-after': '1' }), json({ data: [{ id: 'e' }] })])
    const client = new OpenMetadataClient({ url: 'http://om:8585', fetch, sleep: noSleep })
    expect(await client.listEvents(1712345678000)).toEqual([{ id: 'e' }])
    expect(calls).toHaveLength(4)
    expect(calls[3]!.url.searchParams.get('entityUpdated')).toBe('database,databaseSchema,table')
    expect(calls[3]!.url.searchParams.get('timestamp')).toBe('1712345678000')
    const down = new OpenMetadataClient({ url: 'http://om:8585', fetch: scripted([json({}, 502), json({}, 502)]).fetch, retries: 1, sleep: noSleep })
    await expect(down.listEvents(0)).rejects.toMatchObject({ code: 'CATALOG_UNREACHABLE', retryable: true })
  })

  it('codes auth and missing entities, and never repeats the token', async () => {
    const client = new OpenMetadataClient({ url: 'http://om:8585', token: 'jwt-secret', fetch: scripted([json({ message: 'token jwt-secret expired' }, 401), json({ message: 'table instance for x not found' }, 404)]).fetch })
    const auth = await client.getEntity('table', 'x').catch((e) => e)
    expect(auth).toMatchObject({ code: 'CATALOG_AUTH' })
    expect(auth.message).not.toContain('jwt-secret')
    await expect(client.getEntity('table', 'x')).rejects.toMatchObject({ code: 'CATALOG_NOT_FOUND' })
  })

  it('sends JSON Patch as OpenMetadata expects it', async () => {
    const { fetch, calls } = scripted([json({ id: '1', name: 't', fullyQualifiedName: 's.d.x.t' })])
    await new OpenMetadataClient({ url: 'http://om:8585', fetch }).patchEntity('table', '1', [{ op: 'add', path: '/columns/0/description', value: 'x' }])
    expect(calls[0]!.init.method).toBe('PATCH')
    expect((calls[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json-patch+json')
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual([{ op: 'add', path: '/columns/0/description', value: 'x' }])
  })
})
