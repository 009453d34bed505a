import Fastify, { type FastifyInstance } from 'fastify'
import type { ServerContext } from './server-context.js'
import { operationRoutes } from './routes/operations.js'
import { webhookRoutes } from './routes/webhook.js'

export type RoutePlugin = (app: FastifyInstance, context: ServerContext) => Promise<void>

/**
 * The HTTP face of revmeta, built for `revmeta serve` and for tests (`app.inject`). Each route
 * file is one encapsulated plugin; extra plugins (the built-in catalog) are passed in.
 */
export async function buildApp(context: ServerContext, extra: readonly RoutePlugin[] = []): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 })
  await app.register(async (scope) => webhookRoutes(scope, context))
  await app.register(async (scope) => operationRoutes(scope, context))
  for (const plugin of extra) await app.register(async (scope) => plugin(scope, context))
  return app
}
