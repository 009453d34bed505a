import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { roleAtLeast, type TokenStore } from '../../store/token-store.js'
import { badUrl, hasNul, sendCoded } from '../../http/http-errors.js'
import type { ServerContext } from '../server-context.js'
import type { Principal } from './principal.js'
import { accessFor } from './route-access.js'

/** Who the built-in catalog's bot token (catalog.token) acts as: it reads and edits the catalog. */
export const catalogTokenPrincipal: Principal = { name: 'catalog-token', role: 'editor', via: 'catalog-token' }
const anonymous: Principal = { name: 'anonymous', role: 'admin', via: 'none' }

const required = (why: string) => new RevmetaError('AUTH_REQUIRED', why)

/**
 * The bearer token of a request: undefined without an Authorization header; a 401 with one that
 * is not a valid, unrevoked token. The token itself never goes into a message.
 */
async function bearer(request: FastifyRequest, tokens: TokenStore, catalogToken: Buffer | undefined): Promise<Principal | undefined> {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (match === null) throw required('The Authorization header must be "Bearer <token>".')
  const token = match[1]!
  if (catalogToken !== undefined) {
    const given = Buffer.from(token)
    if (given.length === catalogToken.length && timingSafeEqual(given, catalogToken)) return catalogTokenPrincipal
  }
  const record = await tokens.verify(token)
  if (record === undefined) throw required('The API token is unknown or revoked.')
  return { name: record.name, role: record.role, via: 'token' }
}

/**
 * One onRequest hook for the whole app (the catalog plugin's routes included, since it is added
 * on the root before any plugin): malformed URLs out first, then the route's access from the one
 * table in route-access.ts. Runs before any body is read, so a refused request never gets its body
 * buffered.
 */
export function installAuth(app: FastifyInstance, context: ServerContext, tokens: TokenStore, catalogApiToken?: string): void {
  const { config, metrics } = context
  const none = config.server.auth === 'none'
  // The catalog backend says whether catalog.token is a credential its clients present here.
  const catalogToken = catalogApiToken ? Buffer.from(catalogApiToken) : undefined
  app.decorateRequest('principal', null)
  app.decorateRequest('webhookAuth', null)
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (hasNul(request)) return sendCoded(reply, badUrl())
    const access = accessFor(request.method, request.routeOptions.url)
    if (access === 'open') return
    let principal: Principal | undefined
    try {
      principal = await bearer(request, tokens, catalogToken)
    } catch (error) {
      if (access === 'webhook') metrics.webhookRejected.inc({ reason: 'bad token' })
      return refuse(reply, error as RevmetaError, access === 'webhook')
    }
    if (access === 'webhook') {
      if (principal !== undefined) {
        if (!roleAtLeast(principal.role, 'editor')) return refuse(reply, new RevmetaError('AUTH_FORBIDDEN', `The webhook takes a signature or an editor or admin token; token ${principal.name} is a ${principal.role}.`), true)
        request.principal = principal
        request.webhookAuth = 'token'
        return
      }
      const signed = request.headers['x-om-signature'] !== undefined
      if (signed && context.webhookSecret !== undefined) {
        request.webhookAuth = 'signature'
        return
      }
      if (none && config.catalog.webhookSecret === undefined) {
        request.principal = anonymous
        request.webhookAuth = 'open'
        return
      }
      metrics.webhookRejected.inc({ reason: signed ? 'no secret configured' : 'missing signature' })
      const why = signed ? 'no webhook secret is configured here, so it takes an editor or admin token' : 'it needs X-OM-Signature or an editor or admin token'
      return refuse(reply, new RevmetaError('WEBHOOK_SIGNATURE', `Webhook refused: ${why}.`), true)
    }
    if (principal === undefined) {
      if (none) {
        request.principal = anonymous
        return
      }
      return refuse(reply, required('This route needs an API token: Authorization: Bearer <token> (revmeta token create).'), false)
    }
    if (!roleAtLeast(principal.role, access)) {
      return refuse(reply, new RevmetaError('AUTH_FORBIDDEN', `This route needs the ${access} role; token ${principal.name} is a ${principal.role}.`), false)
    }
    request.principal = principal
  })
}

/** Refuses before the body is read; a webhook refusal closes the connection rather than drain a body nobody wants. */
function refuse(reply: FastifyReply, error: RevmetaError, closeConnection: boolean): FastifyReply {
  if (closeConnection) reply.header('connection', 'close')
  return sendCoded(reply, error)
}
