import type { ApiRole } from '../../store/token-store.js'

/** Who a request acts as, once the auth hook let it in: the name is what updatedBy records. */
export interface Principal {
  readonly name: string
  readonly role: ApiRole
  /** token: an API token; session: the web app's cookie made from one; catalog-token: the built-in catalog's bot token; none: server.auth none. */
  readonly via: 'token' | 'session' | 'catalog-token' | 'none'
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook for every route but the open ones. */
    principal: Principal | null
    /** How a webhook request was let in: by token, by a signature still to verify against the body, or openly (auth none). */
    webhookAuth: 'token' | 'signature' | 'open' | null
  }
}
