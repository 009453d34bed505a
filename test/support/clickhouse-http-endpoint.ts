import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the ClickHouse endpoint received it. */
export interface CapturedRequest {
  readonly method: string
  readonly path: string
  readonly params: URLSearchParams
  readonly headers: IncomingMessage['headers']
  /** The body as UTF-8: the SQL text for commands and queries. */
  readonly body: string
}

/** How the endpoint answers one request: rows (JSONEachRow), an empty success, a ClickHouse error, or silence. */
export type Reply =
  | { readonly rows: readonly Record<string, unknown>[] }
  | { readonly ok: true }
  | { readonly error: { readonly code: number; readonly type: string; readonly message: string; readonly status?: number } }
  | { readonly hang: true }

export interface ClickhouseHttpEndpoint {
  readonly url: string
  readonly requests: CapturedRequest[]
  close(): Promise<void>
}

/**
 * A minimal ClickHouse HTTP interface on 127.0.0.1 (random port): it records every request and
 * answers as a server does — JSONEachRow lines, an empty 200, or an error with the
 * X-ClickHouse-Exception-Code header and ClickHouse's "Code: N. DB::Exception: ... (TYPE)" body.
 */
export async function startClickhouseHttpEndpoint(answer: (request: CapturedRequest) => Reply): Promise<ClickhouseHttpEndpoint> {
  const requests: CapturedRequest[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const request: CapturedRequest = { method: req.method ?? '', path: url.pathname, params: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(request)
      reply(res, answer(request))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function reply(res: ServerResponse, answer: Reply): void {
  if ('hang' in answer) return
  if ('rows' in answer) {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=UTF-8', 'X-ClickHouse-Format': 'JSONEachRow' })
    res.end(answer.rows.map((row) => `${JSON.stringify(row)}\n`).join(''))
    return
  }
  if ('ok' in answer) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' })
    res.end()
    return
  }
  const { code, type, message, status = 500 } = answer.error
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code) })
  res.end(`Code: ${code}. DB::Exception: ${message}. (${type}) (version 25.3.2.39 (official build))\n`)
}
