import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { roleAtLeast, type TokenStore } from '../../store/token-store.js'
import { badUrl, hasNul, sendCoded } from '../../http/http-errors.js'
import type { ServerContext } from '../server-context.js'
import type { Principal } from './principal.js'
import { accessFor, roleFor, type RouteAccess } from './route-access.js'
import { sendSignInPage } from './sign-in-page.js'
import { SessionStore } from '../../store/session-store.js'
import { sessionPrincipal } from './session-principal.js'

/** Who the built-in catalog's bot token (catalog.token) acts as: it reads and edits the catalog. */
export const catalogTokenPrincipal: Principal = { name: 'catalog-token', role: 'editor', via: 'catalog-token' }
const anonymous: Principal = { name: 'anonymous', role: 'admin', via: 'none' }

const required = (why: string) => new RevmetaError('AUTH_REQUIRED', why)
/** The 401 of a request that carries no credential at all. */
export const tokenRequired = () => required('This route needs an API token: Authorization: Bearer <token> (revmeta token create).')

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

/** Whether a request may be told more than "401": auth none, or a valid credential of any role. */
export type CredentialCheck = (request: FastifyRequest) => Promise<boolean>

/**
 * One onRequest hook for the whole app (the catalog plugin's routes included, since it is added
 * on the root before any plugin): the route's access from the one table in route-access.ts, then
 * malformed URLs, so a request without a credential learns nothing but 401. Runs before any body
 * is read, so a refused request never gets its body buffered. Returns the same credential check
 * for the refusals Fastify makes before any hook runs (framework-refusal.ts).
 */
export function installAuth(app: FastifyInstance, context: ServerContext, tokens: TokenStore, catalogApiToken?: string): CredentialCheck {
  const { config, metrics } = context
  const none = config.server.auth === 'none'
  // The catalog backend says whether catalog.token is a credential its clients present here.
  const catalogToken = catalogApiToken ? Buffer.from(catalogApiToken) : undefined
  const sessions = SessionStore.of(context.store)
  app.decorateRequest('principal', null)
  app.decorateRequest('webhookAuth', null)
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = accessFor(request.method, request.routeOptions.url)
    // Sign-in judges the token or link it is given, and answers 401 to anything else (session.ts).
    if (access === 'sign-in') return
    let principal: Principal | undefined
    try {
      principal = await bearer(request, tokens, catalogToken)
      // The web app's cookie, for every route but the webhook (a signature or a token there).
      if (principal === undefined && access !== 'webhook') principal = await sessionPrincipal(request, sessions)
    } catch (error) {
      if (access === 'webhook') metrics.webhookRejected.inc({ reason: 'bad token' })
      return refuse(reply, error as RevmetaError, access)
    }
    if (access === 'webhook') {
      if (principal !== undefined) {
        if (!roleAtLeast(principal.role, 'editor')) return refuse(reply, new RevmetaError('AUTH_FORBIDDEN', `The webhook takes a signature or an editor or admin token; token ${principal.name} is a ${principal.role}.`), access)
        request.principal = principal
        request.webhookAuth = 'token'
        return refuseBadUrl(request, reply)
      }
      const signed = request.headers['x-om-signature'] !== undefined
      if (signed && context.webhookSecret !== undefined) {
        request.webhookAuth = 'signature'
        return refuseBadUrl(request, reply)
      }
      if (none && config.catalog.webhookSecret === undefined) {
        request.principal = anonymous
        request.webhookAuth = 'open'
        return refuseBadUrl(request, reply)
      }
      metrics.webhookRejected.inc({ reason: signed ? 'no secret configured' : 'missing signature' })
      const why = signed ? 'no webhook secret is configured here, so it takes an editor or admin token' : 'it needs X-OM-Signature or an editor or admin token'
      return refuse(reply, new RevmetaError('WEBHOOK_SIGNATURE', `Webhook refused: ${why}.`), access)
    }
    if (principal === undefined) {
      if (!none) return refuse(reply, tokenRequired(), access)
      principal = anonymous
    }
    const needed = roleFor(access)
    if (!roleAtLeast(principal.role, needed)) {
      return refuse(reply, new RevmetaError('AUTH_FORBIDDEN', `This route needs the ${needed} role; token ${principal.name} is a ${principal.role}.`), access)
    }
    request.principal = principal
    return refuseBadUrl(request, reply)
  })
  return async (request) => {
    if (none) return true
    try {
      if ((await bearer(request, tokens, catalogToken)) !== undefined) return true
      // Fastify refuses some URLs before the cookie plugin's hook: read the cookie here.
      request.cookies ??= app.parseCookie(request.headers.cookie ?? '')
      return (await sessionPrincipal(request, sessions)) !== undefined
    } catch {
      return false
    }
  }
}

const refuseBadUrl = (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => (hasNul(request) ? sendCoded(reply, badUrl()) : undefined)

/**
 * Refuses before the body is read. The web app's page answers its 401 with the sign-in page, so a
 * person sees a form; a webhook refusal closes the connection rather than drain a body nobody wants.
 */
function refuse(reply: FastifyReply, error: RevmetaError, access: RouteAccess): FastifyReply {
  if (access === 'page' && error.code === 'AUTH_REQUIRED') return sendSignInPage(reply)
  if (access === 'webhook') reply.header('connection', 'close')
  return sendCoded(reply, error)
}
