import { omCollections } from '../../openmetadata/om-types.js'
import type { ApiRole } from '../../store/token-store.js'
import { webhookPath } from '../../http/webhook-path.js'

/**
 * What a route needs: a role (viewer < editor < admin), `open` (no credential: only liveness),
 * or `webhook` (a valid X-OM-Signature, or a bearer token of an editor or admin).
 */
export type RouteAccess = ApiRole | 'open' | 'webhook'

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
  // Liveness for load balancers and orchestrators: answers {"status":"ok"} and nothing else.
  ['GET /healthz', 'open'],
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
  // The web app (issue 16). Sign-in is open (rate-limited); the page itself holds no data.
  ['POST /api/v1/revmeta/session', 'open'],
  ['GET /sign-in/:link', 'open'],
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

/** The web app's static files (dist/web: index.html and Vite's assets/): open, they hold no data. */
const isAppFile = (url: string): boolean => url === '/' || url === '/index.html' || url.startsWith('/assets/')

/** The access a request needs; `routeUrl` undefined means no route matched (a 404 still needs a token). */
export function accessFor(method: string, routeUrl: string | undefined): RouteAccess {
  if (routeUrl === undefined) return 'viewer'
  if ((method === 'GET' || method === 'HEAD') && isAppFile(routeUrl)) return 'open'
  return routeAccess.get(`${method === 'HEAD' ? 'GET' : method} ${routeUrl}`) ?? 'admin'
}
