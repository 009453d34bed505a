import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DatabricksModel, StatementError } from './databricks-model.js'

/** One request as the endpoint received it. */
export interface ReceivedRequest {
  readonly method: string
  /** Path and query, as sent. */
  readonly path: string
  readonly body?: unknown
  /** The bearer token (or `basic` for the OAuth token endpoint), to check which credential came. */
  readonly auth: string
  readonly status: number
}

export interface DatabricksEndpoint {
  readonly url: string
  readonly model: DatabricksModel
  /** Every request, in the order received, refusals and polls included. */
  readonly received: ReceivedRequest[]
  /** The SQL of every statement submitted, in order (retried submissions included). */
  statements(): string[]
  /** The DDL and REST changes that took effect, in order: what the workspace now holds. */
  changes(): string[]
  /** The next `count` submissions answer PENDING first, then `polls` more GETs answer RUNNING before the result. */
  pendNext(count: number, polls?: number): void
  /** The next `count` requests (any path) get this status, with Retry-After when given. */
  failNext(status: number, count?: number, retryAfter?: string): void
  /** Every OAuth token granted so far stops working (answers 401), as after a revocation. */
  revokeOAuthTokens(): void
  /** The next result's chunk link points here instead of the API's own path. */
  strayChunkLink: string | undefined
  /** Result rows come back in chunks of this many (next_chunk_internal_link). */
  chunkRows: number
  /** Page size cap of Unity Catalog listings (the API may answer fewer than max_results). */
  pageRows: number
  close(): Promise<void>
}

export interface EndpointOptions {
  /** Bearer tokens accepted as personal access tokens. */
  readonly tokens?: readonly string[]
  /** OAuth clients (id → secret) the token endpoint serves; each grant returns a new token. */
  readonly clients?: Readonly<Record<string, string>>
  /** expires_in of the OAuth tokens granted, seconds. */
  readonly tokenLifetime?: number
}

const statementsPath = '/api/2.0/sql/statements'
const ucPath = '/api/2.1/unity-catalog/'

/**
 * A loopback stand-in for a Databricks workspace: the SQL Statement Execution API (submit,
 * PENDING → RUNNING → SUCCEEDED polling, FAILED statements, chunked results, cancel), the Unity
 * Catalog REST subset revmeta uses (GET and PATCH catalogs, schemas, tables; paged listings),
 * and the OAuth token endpoint. Bearer tokens are checked; every request is recorded. It listens
 * on 127.0.0.1 only.
 */
export async function startDatabricksEndpoint(model: DatabricksModel = new DatabricksModel(), options: EndpointOptions = {}): Promise<DatabricksEndpoint> {
  const received: ReceivedRequest[] = []
  const valid = new Set(options.tokens ?? ['dapi-test-token'])
  const results = new Map<string, { state: string; polls: number; answer: Record<string, unknown>; chunks: (string | null)[][][] }>()
  const changes: string[] = []
  let pending: { count: number; polls: number } = { count: 0, polls: 0 }
  let failures: { status: number; count: number; retryAfter?: string } | undefined
  let ids = 0
  let grants = 0

  const endpoint: DatabricksEndpoint = {
    url: '',
    model,
    received,
    statements: () => received.filter((r) => r.method === 'POST' && r.path === statementsPath).map((r) => String((r.body as { statement?: string }).statement)),
    changes: () => [...changes],
    pendNext: (count, polls = 1) => void (pending = { count, polls }),
    failNext: (status, count = 1, retryAfter) => void (failures = { status, count, ...(retryAfter !== undefined ? { retryAfter } : {}) }),
    revokeOAuthTokens: () => {
      for (const token of valid) if (token.startsWith('oauth-')) valid.delete(token)
    },
    strayChunkLink: undefined,
    chunkRows: 1000,
    pageRows: 1000,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  const submit = (body: Record<string, unknown>): Record<string, unknown> => {
    const id = `01ef-${++ids}`
    const params = Object.fromEntries(((body.parameters as { name: string; value: string }[] | undefined) ?? []).map((p) => [p.name, p.value]))
    let entry: (typeof results extends Map<string, infer V> ? V : never) | undefined
    try {
      const sql = String(body.statement)
      const { columns, rows } = model.execute(sql, params)
      if (!/^\s*(SELECT|SHOW)/i.test(sql)) changes.push(sql)
      const chunks: (string | null)[][][] = []
      for (let i = 0; i < rows.length; i += endpoint.chunkRows) chunks.push(rows.slice(i, i + endpoint.chunkRows))
      const answer = { statement_id: id, status: { state: 'SUCCEEDED' }, manifest: { format: 'JSON_ARRAY', schema: { column_count: columns.length, columns: columns.map((name, position) => ({ name, position, type_name: 'STRING' })) }, total_chunk_count: Math.max(1, chunks.length), total_row_count: rows.length } }
      entry = { state: 'SUCCEEDED', polls: 0, answer, chunks }
    } catch (error) {
      if (!(error instanceof StatementError)) throw error
      entry = { state: 'FAILED', polls: 0, answer: { statement_id: id, status: { state: 'FAILED', sql_state: error.sqlState, error: { error_code: 'BAD_REQUEST', message: error.message } } }, chunks: [] }
    }
    if (pending.count > 0) {
      pending.count--
      entry.polls = pending.polls
      results.set(id, entry)
      return { statement_id: id, status: { state: 'PENDING' } }
    }
    results.set(id, entry)
    return view(id)
  }

  const chunk = (id: string, index: number): Record<string, unknown> => {
    const entry = results.get(id)!
    const rows = entry.chunks[index] ?? []
    const link = endpoint.strayChunkLink ?? `${statementsPath}/${id}/result/chunks/${index + 1}`
    const next = index + 1 < entry.chunks.length ? { next_chunk_index: index + 1, next_chunk_internal_link: link } : {}
    return { chunk_index: index, row_offset: index * endpoint.chunkRows, row_count: rows.length, data_array: rows, ...next }
  }

  const view = (id: string): Record<string, unknown> => {
    const entry = results.get(id)!
    if (entry.polls > 0) {
      entry.polls--
      return { statement_id: id, status: { state: 'RUNNING' } }
    }
    return entry.state === 'SUCCEEDED' ? { ...entry.answer, result: chunk(id, 0) } : entry.answer
  }

  const rest = (method: string, url: URL, body: Record<string, unknown>): [number, unknown] => {
    const rest = url.pathname.slice(ucPath.length)
    const [resource = '', encoded] = rest.split('/')
    const name = encoded !== undefined ? decodeURIComponent(encoded) : undefined
    if (method === 'PATCH' && name !== undefined) {
      try {
        const updated = model.patch(resource, name, body)
        if (updated === undefined) return [404, { error_code: 'NOT_FOUND', message: `${resource} '${name}' does not exist.` }]
        changes.push(`PATCH ${url.pathname} ${JSON.stringify(body)}`)
        return [200, updated]
      } catch (error) {
        return [400, { error_code: 'INVALID_PARAMETER_VALUE', message: (error as Error).message }]
      }
    }
    if (method === 'GET' && name !== undefined) {
      const found = model.get(...name.split('.'))
      return found === undefined ? [404, { error_code: 'NOT_FOUND', message: `${resource} '${name}' does not exist.` }] : [200, model.rest(found)]
    }
    if (method === 'GET' && (resource === 'schemas' || resource === 'tables')) {
      const catalog = url.searchParams.get('catalog_name') ?? ''
      const schema = url.searchParams.get('schema_name')
      const all = model.all(resource === 'schemas' ? 'SCHEMA' : 'RELATION').filter((o) => o.parts[0] === catalog && (schema === null || o.parts[1] === schema))
      const size = Math.min(Number(url.searchParams.get('max_results') ?? 1000) || 1000, endpoint.pageRows)
      const start = Number(url.searchParams.get('page_token') ?? 0)
      const page = all.slice(start, start + size).map((o) => model.rest(o))
      return [200, { [resource]: page, ...(start + size < all.length ? { next_page_token: String(start + size) } : {}) }]
    }
    return [404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${method} ${url.pathname}'` }]
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const header = req.headers.authorization ?? ''
    const auth = header.startsWith('Bearer ') ? header.slice(7) : header.startsWith('Basic ') ? 'basic' : ''
    const isJson = (req.headers['content-type'] ?? '').includes('json')
    const body = raw === '' ? undefined : isJson ? (JSON.parse(raw) as Record<string, unknown>) : raw
    const reply = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      received.push({ method, path: `${url.pathname}${url.search}`, ...(body !== undefined ? { body } : {}), auth, status })
      send(res, status, answer, headers)
    }
    if (failures !== undefined && failures.count > 0) {
      failures.count--
      return reply(failures.status, { error_code: failures.status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : 'TEMPORARILY_UNAVAILABLE', message: 'scripted failure' }, failures.retryAfter !== undefined ? { 'retry-after': failures.retryAfter } : {})
    }
    if (method === 'POST' && url.pathname === '/oidc/v1/token') {
      const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent)
      const form = new URLSearchParams(typeof body === 'string' ? body : '')
      if (id === undefined || options.clients?.[id] !== secret || form.get('grant_type') !== 'client_credentials') return reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' })
      const token = `oauth-${++grants}`
      valid.add(token)
      return reply(200, { access_token: token, token_type: 'Bearer', expires_in: options.tokenLifetime ?? 3600, scope: form.get('scope') })
    }
    if (!valid.has(auth)) return reply(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' })
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
    if (method === 'POST' && url.pathname === statementsPath) return reply(200, submit(b))
    const statement = /^\/api\/2\.0\/sql\/statements\/([^/]+)(?:\/result\/chunks\/(\d+)|\/(cancel))?$/.exec(url.pathname)
    if (statement !== null) {
      const id = decodeURIComponent(statement[1]!)
      if (!results.has(id)) return reply(404, { error_code: 'NOT_FOUND', message: `statement ${id} not found` })
      if (statement[3] !== undefined) return reply(200, {})
      return reply(200, statement[2] !== undefined ? chunk(id, Number(statement[2])) : view(id))
    }
    if (url.pathname.startsWith(ucPath)) {
      const [status, answer] = rest(method, url, b)
      return reply(status, answer)
    }
    return reply(404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${method} ${url.pathname}'` })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  ;(endpoint as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return endpoint
}
