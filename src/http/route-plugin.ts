import type { FastifyInstance } from 'fastify'
import type { RevmetaConfig } from '../config/load-config.js'
import type { StateStore } from '../store/state-store.js'

/**
 * What a route plugin from outside the server (a catalog backend's API) is given. The server's
 * own context holds more (metrics); it stays a superset of this one, so plugins written against
 * this type mount on the server without the catalog importing the server.
 */
export interface RouteContext {
  readonly config: RevmetaConfig
  readonly store: StateStore
  /** Called when intake queued new operations, so a waiting worker starts at once. */
  readonly onQueued?: () => void
  /** Where failures are logged, one line each (default: standard error). */
  readonly log?: (line: string) => void
  /** The secret webhook signatures are checked with (see ServerContext). */
  readonly webhookSecret?: string
}

/** One encapsulated Fastify plugin with the context the server hands every plugin. */
export type RoutePlugin<Context extends RouteContext = RouteContext> = (app: FastifyInstance, context: Context) => Promise<void>
