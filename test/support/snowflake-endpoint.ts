import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** What the endpoint answers to one statement: rows (column names from the first row), or a Snowflake error. */
export type SnowflakeReply =
  | { readonly rows: readonly Record<string, string | null>[]; readonly columns?: readonly string[] }
  | { readonly error: { readonly code: string; readonly message: string; readonly sqlState?: string } }

/** One statement as the endpoint received it, and what became of it. */
export interface ReceivedStatement {
  readonly sql: string
  /** The session token it came with. */
  readonly token: string
  /** `ok`, `error` (a scripted Snowflake error), `expired` (answered 390112), or `http-<status>` (a scripted transient failure). */
  readonly outcome: string
}

export interface SnowflakeEndpoint {
  readonly url: string
  /** Every query-request, in the order received, retries and refusals included. */
  readonly received: ReceivedStatement[]
  /** Login requests: user, authenticator, which secrets came, and the token (OAuth token or key-pair JWT) to check. */
  readonly logins: { readonly user: string; readonly authenticator: string; readonly hasPassword: boolean; readonly hasToken: boolean; readonly token?: string }[]
  /** Session renewals (token-request RENEW) served. */
  renewals: number
  /** Session deletions (close) served. */
  closes: number
  /** Paths of every request, for asserting that nothing else was contacted. */
  readonly paths: string[]
  /** The statements executed successfully, in order: what Snowflake would hold. */
  executed(): string[]
  /** The next query-request gets 390112 "session expired", as after the session token's validity. */
  expireSession(): void
  /** The session and master tokens both expire: renewal is refused (390114) and only a new login helps. */
  expireLogin(): void
  /** The next `count` query-requests get this HTTP status (503: a transient gateway failure). */
  failNext(status: number, count?: number): void
  close(): Promise<void>
}

const ddl = /^\s*(ALTER|COMMENT|GRANT|CREATE|DROP|REVOKE)\b/i

/**
 * A local stand-in for Snowflake's REST endpoints that snowflake-sdk speaks: login-request,
 * query-request (answering rowtype/rowset JSON), token-request (session renewal), session
 * delete and telemetry. Tokens are checked as Snowflake does: a query with a stale session token
 * gets 390112 and the sdk must renew with the master token and retry. It listens on 127.0.0.1 only.
 */
export async function startSnowflakeEndpoint(answer: (sql: string) => SnowflakeReply | undefined = () => undefined): Promise<SnowflakeEndpoint> {
  let sessionCount = 0
  let sessionToken = ''
  let masterToken = 'master-token-1'
  let expireNext = false
  let failures: { status: number; count: number } | undefined
  const received: ReceivedStatement[] = []
  const endpoint: SnowflakeEndpoint = {
    url: '',
    received,
    logins: [],
    renewals: 0,
    closes: 0,
    paths: [],
    executed: () => received.filter((statement) => statement.outcome === 'ok').map((statement) => statement.sql),
    expireSession: () => {
      expireNext = true
    },
    expireLogin: () => {
      expireNext = true
      masterToken = `master-token-${sessionCount + 1}-new`
    },
    failNext: (status, count = 1) => {
      failures = { status, count }
    },
    close: async () => {},
  }

  const handle = (req: IncomingMessage, raw: Buffer, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    endpoint.paths.push(url.pathname)
    const body = parseBody(req, raw)
    const token = /Snowflake Token="([^"]*)"/.exec(String(req.headers.authorization ?? ''))?.[1] ?? ''
    switch (url.pathname) {
      case '/session/v1/login-request': {
        const data = (body.data ?? {}) as Record<string, unknown>
        endpoint.logins.push({ user: String(data.LOGIN_NAME ?? ''), authenticator: String(data.AUTHENTICATOR ?? ''), hasPassword: typeof data.PASSWORD === 'string', hasToken: typeof data.TOKEN === 'string', ...(typeof data.TOKEN === 'string' ? { token: data.TOKEN } : {}) })
        sessionToken = `session-token-${++sessionCount}`
        return json(res, 200, { success: true, code: null, message: null, data: { token: sessionToken, validityInSeconds: 3600, masterToken, masterValidityInSeconds: 14400, sessionId: sessionCount, serverVersion: 'revmeta-test', parameters: [] } })
      }
      case '/session/token-request': {
        if (token !== masterToken) return json(res, 200, { success: false, code: '390114', message: 'Authentication token has expired.', data: null })
        endpoint.renewals++
        sessionToken = `session-token-${++sessionCount}`
        return json(res, 200, { success: true, code: null, message: null, data: { sessionToken, validityInSecondsST: 3600, masterToken, validityInSecondsMT: 14400 } })
      }
      case '/queries/v1/query-request': {
        const sql = String(body.sqlText ?? '')
        if (failures !== undefined && failures.count > 0) {
          failures.count--
          received.push({ sql, token, outcome: `http-${failures.status}` })
          res.writeHead(failures.status, { 'content-type': 'text/plain' }).end('Service Unavailable')
          return
        }
        if (expireNext || token !== sessionToken) {
          expireNext = false
          received.push({ sql, token, outcome: 'expired' })
          return json(res, 200, { success: false, code: '390112', message: 'Your session has expired. Please login again.', data: { errorCode: '390112' } })
        }
        const reply = answer(sql) ?? (ddl.test(sql) ? { rows: [{ status: 'Statement executed successfully.' }] } : { rows: [] })
        if ('error' in reply) {
          received.push({ sql, token, outcome: 'error' })
          return json(res, 200, { success: false, code: reply.error.code, message: reply.error.message, data: { errorCode: reply.error.code, sqlState: reply.error.sqlState ?? '42000', queryId: `q-${received.length}`, internalError: false, age: 0 } })
        }
        received.push({ sql, token, outcome: 'ok' })
        return json(res, 200, { success: true, code: null, message: null, data: resultData(reply, received.length) })
      }
      case '/session':
        endpoint.closes++
        return json(res, 200, { success: true, code: null, message: null, data: null })
      default:
        // Telemetry and heartbeats: accepted and ignored, as Snowflake does.
        return json(res, 200, { success: true, code: null, message: null, data: null })
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handle(req, Buffer.concat(chunks), res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}

function parseBody(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {}
  const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8')
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return {}
  }
}

/** A result in Snowflake's JSON form: every column `text`, each row an array of strings or nulls. */
function resultData(reply: { rows: readonly Record<string, string | null>[]; columns?: readonly string[] }, id: number): Record<string, unknown> {
  const columns = reply.columns ?? Object.keys(reply.rows[0] ?? {})
  return {
    parameters: [],
    rowtype: columns.map((name) => ({ name, type: 'text', length: 16_777_216, byteLength: 16_777_216, nullable: true, precision: null, scale: null })),
    rowset: reply.rows.map((row) => columns.map((name) => row[name] ?? null)),
    total: reply.rows.length,
    returned: reply.rows.length,
    queryId: `01b2c3d4-0000-0000-0000-${String(id).padStart(12, '0')}`,
    databaseProvider: null,
    finalDatabaseName: null,
    finalSchemaName: null,
    finalWarehouseName: null,
    finalRoleName: null,
    numberOfBinds: 0,
    statementTypeId: 4096,
    version: 1,
    queryResultFormat: 'json',
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
