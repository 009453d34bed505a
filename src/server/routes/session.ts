import { createHash } from 'node:crypto'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { SessionStore } from '../../store/session-store.js'
import { TokenStore, type ApiRole } from '../../store/token-store.js'
import { sessionCookie } from '../auth/session-principal.js'
import { clientError, sendCoded } from '../../http/http-errors.js'
import { sendSignInPage } from '../auth/sign-in-page.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'

const signInBody = z.strictObject({ token: z.string().min(1).max(500) })
const linkParams = z.strictObject({ link: z.string().min(1).max(200) })

/**
 * The CSRF token of a session follows from its id, so the page can ask for it again after a reload
 * (GET /session) while the store keeps only hashes. Only a page of this origin, which the cookie
 * is sent from (SameSite=Strict) and which can read the answer (no CORS), ever learns it.
 */
export const csrfOf = (sessionId: string): string => createHash('sha256').update(`revmeta-csrf:${sessionId}`, 'utf8').digest('base64url')

/**
 * Sign-in (an API token or a one-time link exchanged for an HTTP-only, SameSite=Strict session
 * cookie), who am I, and sign-out. Failed sign-ins are rate-limited per address: every attempt
 * counts, and a success does not reset the count, so guessing stays slow.
 */
export async function sessionRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const { config, store, log } = context
  const sessions = SessionStore.of(store)
  const tokens = TokenStore.of(store)
  const ttlMs = config.server.session.ttlMs
  await app.register(rateLimit, {
    global: false,
    // Thrown by the plugin, then answered by the app's error handler like any coded error (429).
    errorResponseBuilder: (_request, context) => new RevmetaError('SIGN_IN_LIMITED', `Too many sign-in attempts from this address; try again in ${Math.ceil(context.ttl / 1000)} s.`),
  })
  const limit = { rateLimit: { max: config.server.session.signInAttempts, timeWindow: config.server.session.signInWindowMs } }

  const start = async (request: FastifyRequest, reply: FastifyReply, who: { name: string; role: ApiRole; tokenId?: number }) => {
    const { id, session } = await sessions.create(who, ttlMs, csrfOf)
    reply.setCookie(sessionCookie, id, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', maxAge: Math.floor(ttlMs / 1000) })
    log?.(`sign-in: ${who.name} (${who.role})`)
    return { name: session.name, role: session.role, expiresAt: session.expiresAt, csrf: csrfOf(id) }
  }

  // Sign-in is reachable without a credential, so whatever it answers without a valid one is a 401
  // (or the limiter's 429): a malformed body, a wrong media type or an over-long link included.
  await app.register(async (signIn) => {
    signIn.setErrorHandler((error: Error, _request, reply) => {
      const refused = clientError(error)
      if (refused?.code === 'SIGN_IN_LIMITED') return sendCoded(reply, refused)
      if (refused === undefined) throw error
      if (refused.code === 'AUTH_REQUIRED') return sendCoded(reply, refused)
      // One message for every malformed attempt, never a parser's or validator's: those may quote the body, which is a token.
      return sendCoded(reply, new RevmetaError('AUTH_REQUIRED', 'Sign-in refused: send {"token": "<API token>"} as application/json.'))
    })

    signIn.post('/api/v1/revmeta/session', { config: limit }, async (request, reply) => {
      const { token } = requestInput(signInBody, request.body, 'sign-in')
      const record = await tokens.verify(token)
      if (record === undefined) {
        log?.('sign-in refused: unknown or revoked token')
        throw new RevmetaError('AUTH_REQUIRED', 'Sign-in refused: the token is unknown or revoked.')
      }
      return start(request, reply, { name: record.name, role: record.role, tokenId: record.id })
    })

    // A person follows the link in a browser: a refusal is the sign-in page, saying why.
    signIn.get('/sign-in/:link', { config: limit }, async (request, reply) => {
      // Link previews (chat apps, mail scanners) send HEAD: it must not use up a one-time link.
      if (request.method === 'HEAD') return reply.code(200).header('cache-control', 'no-store').type('text/html; charset=utf-8').send()
      const params = linkParams.safeParse(request.params)
      const who = params.success ? await sessions.useLink(params.data.link) : undefined
      if (who === undefined) {
        log?.('sign-in link refused: unknown, used or expired')
        return sendSignInPage(reply, 'This sign-in link is unknown, used already, or expired. Sign in with an API token.')
      }
      await start(request, reply, who)
      return reply.redirect('/')
    })
  })

  app.get('/api/v1/revmeta/session', async (request) => {
    const principal = request.principal!
    const id = request.cookies?.[sessionCookie]
    return { name: principal.name, role: principal.role, via: principal.via, ...(principal.via === 'session' && id ? { csrf: csrfOf(id) } : {}) }
  })

  app.delete('/api/v1/revmeta/session', async (request, reply) => {
    const id = request.cookies?.[sessionCookie]
    if (id) await sessions.end(id)
    reply.clearCookie(sessionCookie, { path: '/' })
    return { signedOut: true }
  })
}
