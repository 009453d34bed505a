import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify'
import { errorReport } from '../model/report.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { TokenStore } from '../store/token-store.js'
import { loadCatalogBackend } from '../catalogs/registry.js'
import { installAuth, type CredentialCheck } from './auth/auth-hook.js'
import { frameworkRefusal } from './auth/framework-refusal.js'
import type { RoutePlugin as HttpRoutePlugin } from '../http/route-plugin.js'
import { clientError, internalErrorLine, sendCoded } from '../http/http-errors.js'
import type { ServerContext } from './server-context.js'
import { serverOptions } from './server-options.js'
import { operationRoutes } from './routes/operations.js'
import { webhookRoutes } from './routes/webhook.js'
import fastifyCookie from '@fastify/cookie'
import { LiveConfig } from '../config/live-config.js'
import { reloadUiChannels } from './ui-channels.js'
import { appRoutes } from './app-routes.js'
import { installRequestLog, type RequestLine } from './request-log.js'

export type RoutePlugin = HttpRoutePlugin<ServerContext>

/**
 * The HTTP face of revmeta, built for `revmeta serve` and for tests (`app.inject`). Each route
 * file is one encapsulated plugin; extra plugins (the built-in catalog) are passed in. The auth
 * hook and the error handler sit on the root, so every plugin's routes inherit them.
 */
export async function buildApp(given: ServerContext, extra: readonly RoutePlugin[] = [], options: { onRoute?: (route: RouteOptions) => void; requestLog?: (line: RequestLine) => void } = {}): Promise<FastifyInstance> {
  // Channels made in the web app join the YAML ones; config is then the live view (live-config.ts).
  const live = given.live ?? new LiveConfig(given.config)
  if (given.live === undefined) await reloadUiChannels(live, given.store, given.log)
  const config = live.config
  // What differs between kinds of catalog is the backend's to say, not a branch here.
  const catalog = await loadCatalogBackend(config.catalog.type)
  const context: ServerContext = {
    ...given,
    config,
    live,
    log: given.log ?? ((line: string) => process.stderr.write(`revmeta serve: ${line}\n`)),
    webhookSecret: given.webhookSecret ?? config.catalog.webhookSecret ?? catalog.defaultWebhookSecret(),
  }
  const log = context.log!
  // Set once the auth hook is installed; the router's refusals need it (framework-refusal.ts).
  let admits: CredentialCheck | undefined
  const app = Fastify({
    ...serverOptions(config),
    frameworkErrors: (error, request, reply) => void frameworkRefusal(error, request as FastifyRequest, reply as FastifyReply, admits),
  })
  // Tests list every route this way, so a route added later cannot escape the access test.
  if (options.onRoute) app.addHook('onRoute', options.onRoute)
  if (options.requestLog) installRequestLog(app, options.requestLog)
  // Before the auth hook: it reads the web app's session cookie.
  await app.register(fastifyCookie)
  admits = installAuth(app, context, TokenStore.of(context.store), catalog.apiTokenOf(config))
  app.setErrorHandler((error: Error, request, reply) => {
    const refused = clientError(error)
    if (refused !== undefined) return sendCoded(reply, refused)
    log(internalErrorLine(request, error))
    return reply.code(500).send({ error: errorReport(new RevmetaError('INTERNAL', 'Internal error; the server log has one line about it.')) })
  })
  await app.register(async (scope) => webhookRoutes(scope, context))
  await app.register(async (scope) => operationRoutes(scope, context))
  for (const routes of appRoutes) await app.register(async (scope) => routes(scope, context))
  for (const plugin of extra) await app.register(async (scope) => plugin(scope, context))
  return app
}
