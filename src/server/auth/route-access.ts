import { omCollections } from '../../openmetadata/om-types.js'
import type { ApiRole } from '../../store/token-store.js'
import { webhookPath } from '../../http/webhook-path.js'

/**
 * What a route needs: a role (viewer < editor < admin); `webhook` (a valid X-OM-Signature, or a
 * bearer token of an editor or admin); `sign-in` (the credential is what the request carries: the
 * route answers 401 to anything but a valid token or link); `page` (the web app's page: a viewer,
 * and without a credential the 401 is the sign-in page rather than JSON).
 */
export type RouteAccess = ApiRole | 'webhook' | 'sign-in' | 'page'

const entityRoutes = Object.values(omCollections).flatMap((collection): [string, RouteAccess][] => [
  [`GET /api/v1/${collection}`, 'viewer'],
  [`GET /api/v1/${collection}/name/:fqn`, 'viewer'],
  [`GET /api/v1/${collection}/:id`, 'viewer'],
  [`PATCH /api/v1/${collection}/:id`, 'editor'],
])

/**
 * THE table of who may call what, keyed by method and route pattern (as registered). A route
 * missing here is admin-only: a route added later is closed until someone decides otherwise, and
 * the route test (every registered route refused without a token) keeps it honest. HEAD follows GET.
 */
export const routeAccess: ReadonlyMap<string, RouteAccess> = new Map<string, RouteAccess>([
  // Liveness: any role (a probe sends a viewer token, or watches the port); open only under auth none.
  ['GET /healthz', 'viewer'],
  [`POST ${webhookPath}`, 'webhook'],
  // OpenMetadata's Webhook.httpMethod may be PUT: same signed route.
  [`PUT ${webhookPath}`, 'webhook'],
  ['GET /api/v1/revmeta/runs', 'viewer'],
  ['GET /api/v1/revmeta/runs/:id', 'viewer'],
  ['GET /api/v1/revmeta/dead-letters', 'viewer'],
  // Prometheus sends a bearer token (authorization.credentials in its scrape config).
  ['GET /metrics', 'viewer'],
  ...entityRoutes,
  ['GET /api/v1/events', 'viewer'],
  ['GET /api/v1/users/name/:name', 'viewer'],
  ['GET /api/v1/teams/name/:name', 'viewer'],
  // By id: how revmeta names an owner reference that carries only its id, as on OpenMetadata.
  ['GET /api/v1/users/:id', 'viewer'],
  ['GET /api/v1/teams/:id', 'viewer'],
  ['GET /api/v1/classifications/name/:name', 'viewer'],
  ['GET /api/v1/tags/name/:fqn', 'viewer'],
  // Users and teams become database owners (ALTER ... OWNER TO): admins only.
  ['PUT /api/v1/users', 'admin'],
  ['PUT /api/v1/teams', 'admin'],
  // Classifications and tags are catalog content, as entity edits are.
  ['PUT /api/v1/classifications', 'editor'],
  ['PUT /api/v1/tags', 'editor'],
  // Subscriptions decide where catalog changes are sent, and list endpoints and headers.
  ['POST /api/v1/events/subscriptions', 'admin'],
  ['GET /api/v1/events/subscriptions', 'admin'],
  ['GET /api/v1/events/subscriptions/name/:name', 'admin'],
  // The web app (issue 16). Sign-in is reachable (rate-limited) and lets only a valid token or link in.
  ['POST /api/v1/revmeta/session', 'sign-in'],
  ['GET /sign-in/:link', 'sign-in'],
  ['GET /api/v1/revmeta/session', 'viewer'],
  ['DELETE /api/v1/revmeta/session', 'viewer'],
  ['GET /api/v1/revmeta/services', 'viewer'],
  ['GET /api/v1/revmeta/services/:name/check', 'viewer'],
  ['GET /api/v1/revmeta/channels', 'viewer'],
  ['PUT /api/v1/revmeta/channels/:name', 'admin'],
  ['DELETE /api/v1/revmeta/channels/:name', 'admin'],
  ['PUT /api/v1/revmeta/channels/:name/schedule', 'admin'],
  ['POST /api/v1/revmeta/template-preview', 'editor'],
  ['POST /api/v1/revmeta/sync/plan', 'editor'],
  ['POST /api/v1/revmeta/sync/apply', 'editor'],
  ['POST /api/v1/revmeta/dead-letters/replay', 'admin'],
  ['GET /api/v1/revmeta/runs/:id/rollback', 'viewer'],
  ['POST /api/v1/revmeta/runs/:id/rollback', 'admin'],
])

/**
 * The web app's files (dist/web): its one page, reached by hash (#/runs), and Vite's assets/, one
 * route per file found at start. Every role may load them; nobody without a credential.
 */
const appFileAccess = (url: string): RouteAccess | undefined => (url === '/' || url === '/index.html' ? 'page' : url.startsWith('/assets/') ? 'viewer' : undefined)

/** The access a request needs; `routeUrl` undefined means no route matched (a 404 still needs a token). */
export function accessFor(method: string, routeUrl: string | undefined): RouteAccess {
  if (routeUrl === undefined) return 'viewer'
  const app = method === 'GET' || method === 'HEAD' ? appFileAccess(routeUrl) : undefined
  return app ?? routeAccess.get(`${method === 'HEAD' ? 'GET' : method} ${routeUrl}`) ?? 'admin'
}

/** The role a request must at least have once it carries a credential. */
export const roleFor = (access: Exclude<RouteAccess, 'sign-in'>): ApiRole => (access === 'page' ? 'viewer' : access === 'webhook' ? 'editor' : access)
