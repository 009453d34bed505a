import type { FastifyInstance } from 'fastify'

/** What a request line holds: the route pattern (never the raw URL or query, which may carry values), status, time, who. */
export interface RequestLine {
  readonly req: { readonly method: string; readonly route: string }
  readonly res: { readonly statusCode: number }
  readonly ms: number
  readonly user?: string
}

/** One line per request, written once the response is sent. */
export function installRequestLog(app: FastifyInstance, write: (line: RequestLine) => void): void {
  app.addHook('onResponse', async (request, reply) => {
    write({
      req: { method: request.method, route: request.routeOptions.url ?? '(no route)' },
      res: { statusCode: reply.statusCode },
      ms: Math.round(reply.elapsedTime),
      ...(request.principal ? { user: request.principal.name } : {}),
    })
  })
}
