import Fastify, { type FastifyInstance, type FastifyReply, type RouteOptions } from 'fastify'
import { errorReport } from '../model/report.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { TokenStore } from '../store/token-store.js'
import { loadCatalogBackend } from '../catalogs/registry.js'
import { installAuth } from './auth/auth-hook.js'
import type { RoutePlugin as HttpRoutePlugin } from '../http/route-plugin.js'
import { badUrl, clientError, internalErrorLine, sendCoded } from '../http/http-errors.js'
import type { ServerContext } from './server-context.js'
import { serverOptions } from './server-options.js'
import { operationRoutes } from './routes/operations.js'
import { webhookRoutes } from './routes/webhook.js'

export type RoutePlugin = HttpRoutePlugin<ServerContext>

/**
 * The HTTP face of revmeta, built for `revmeta serve` and for tests (`app.inject`). Each route
 * file is one encapsulated plugin; extra plugins (the built-in catalog) are passed in. The auth
 * hook and the error handler sit on the root, so every plugin's routes inherit them.
 */
export async function buildApp(given: ServerContext, extra: readonly RoutePlugin[] = [], options: { onRoute?: (route: RouteOptions) => void } = {}): Promise<FastifyInstance> {
  const { config } = given
  // What differs between kinds of catalog is the backend's to say, not a branch here.
  const catalog = await loadCatalogBackend(config.catalog.type)
  const context: ServerContext = {
    ...given,
    log: given.log ?? ((line: string) => process.stderr.write(`revmeta serve: ${line}\n`)),
    webhookSecret: given.webhookSecret ?? config.catalog.webhookSecret ?? catalog.defaultWebhookSecret(),
  }
  const log = context.log!
  const app = Fastify({
    ...serverOptions(config),
    frameworkErrors: (error, _request, reply) =>
      error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? (reply as FastifyReply).code(414).send({ error: errorReport(new RevmetaError('REQUEST_INVALID', 'A path parameter is too long.')) }) : sendCoded(reply as FastifyReply, badUrl()),
  })
  // Tests list every route this way, so a route added later cannot escape the access test.
  if (options.onRoute) app.addHook('onRoute', options.onRoute)
  installAuth(app, context, TokenStore.of(context.store), catalog.apiTokenOf(config))
  app.setErrorHandler((error: Error, request, reply) => {
    const refused = clientError(error)
    if (refused !== undefined) return sendCoded(reply, refused)
    log(internalErrorLine(request, error))
    return reply.code(500).send({ error: errorReport(new RevmetaError('INTERNAL', 'Internal error; the server log has one line about it.')) })
  })
  await app.register(async (scope) => webhookRoutes(scope, context))
  await app.register(async (scope) => operationRoutes(scope, context))
  for (const plugin of extra) await app.register(async (scope) => plugin(scope, context))
  return app
}
