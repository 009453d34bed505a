import type { FastifyRequest } from 'fastify'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { SessionStore } from '../../store/session-store.js'
import type { Principal } from './principal.js'

/** The web app's session cookie: HTTP-only, SameSite=Strict, set by the sign-in route. */
export const sessionCookie = 'revmeta_session'
/** Every request that changes state under a session carries the session's CSRF token here. */
export const csrfHeader = 'x-revmeta-csrf'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The principal of a request that comes with a session cookie and no Authorization header:
 * undefined without the cookie; a 401 when the session is unknown, expired or its token revoked;
 * a 403 SESSION_CSRF when a state-changing request lacks the session's CSRF token (SameSite=Strict
 * already keeps other sites' requests from carrying the cookie; the header is the second lock).
 */
export async function sessionPrincipal(request: FastifyRequest, sessions: SessionStore): Promise<Principal | undefined> {
  const id = request.cookies?.[sessionCookie]
  if (id === undefined || id === '') return undefined
  const csrf = request.headers[csrfHeader]
  const session = await sessions.verify(id, typeof csrf === 'string' ? csrf : undefined)
  if (session === undefined) throw new RevmetaError('AUTH_REQUIRED', 'The session has expired or was ended; sign in again.')
  if (!safeMethods.has(request.method) && !session.csrfOk) {
    throw new RevmetaError('SESSION_CSRF', `This request changes state: it needs the session's CSRF token in ${csrfHeader}.`)
  }
  return { name: session.name, role: session.role, via: 'session' }
}
