import { RevmetaError } from '../errors/revmeta-error.js'
import { redactSecrets } from '../errors/redact-secrets.js'
import { omCollections, type JsonPatchOperation, type OmEntity, type OmEntityType, type OmTeam, type OmUser } from './om-types.js'

export interface OmClientOptions {
  /** Base URL, e.g. http://openmetadata:8585 (the /api/v1 prefix is added). */
  readonly url: string
  /** A bot's JWT token: sent as `Authorization: Bearer`, never logged. */
  readonly token?: string
  readonly timeoutMs?: number
  /** Extra attempts for timeouts, network errors, 5xx and 429. */
  readonly retries?: number
  readonly fetch?: typeof fetch
  readonly sleep?: (ms: number) => Promise<void>
}

type Query = Record<string, string | number | undefined>

/**
 * The part of OpenMetadata's REST API revmeta consumes. The same code talks to a real
 * OpenMetadata server and to revmeta's built-in catalog, which serves this subset.
 */
export class OpenMetadataClient {
  private readonly base: string
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly fetchImpl: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>

  constructor(private readonly options: OmClientOptions) {
    this.base = options.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.retries = options.retries ?? 3
    this.fetchImpl = options.fetch ?? fetch
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
  }

  /** Change events since `timestamp` (epoch ms), oldest first: GET /api/v1/events. */
  async listEvents(timestamp: number, entityTypes: readonly string[] = Object.keys(omCollections)): Promise<unknown[]> {
    const types = entityTypes.join(',')
    const body = await this.request<{ data?: unknown[] }>('GET', '/events', { query: { entityCreated: types, entityUpdated: types, entityDeleted: types, timestamp } })
    return Array.isArray(body.data) ? body.data : []
  }

  /** One entity by fully qualified name, with the fields reverse metadata needs. */
  async getEntity(type: OmEntityType, fqn: string, fields = defaultFields(type)): Promise<OmEntity> {
    return this.request<OmEntity>('GET', `/${omCollections[type]}/name/${encodeURIComponent(fqn)}`, { query: { fields } })
  }

  /** Every entity of a type under a parent (service, database or schema FQN), following OpenMetadata's `after` paging. */
  async *listEntities(type: OmEntityType, parent: { service?: string; database?: string; databaseSchema?: string }, fields = defaultFields(type), pageSize = 100): AsyncGenerator<OmEntity> {
    let after: string | undefined
    do {
      const page = await this.request<{ data: OmEntity[]; paging?: { after?: string } }>('GET', `/${omCollections[type]}`, {
        query: { ...parent, fields, limit: pageSize, after },
      })
      for (const entity of page.data ?? []) yield entity
      after = page.paging?.after
    } while (after)
  }

  async getUser(name: string): Promise<OmUser> {
    return this.request<OmUser>('GET', `/users/name/${encodeURIComponent(name)}`, { query: { fields: 'teams' } })
  }

  async getTeam(name: string): Promise<OmTeam> {
    return this.request<OmTeam>('GET', `/teams/name/${encodeURIComponent(name)}`, { query: { fields: 'users' } })
  }

  /** GET /api/v1/users/{id}: names an owner reference that carries only its id. */
  async getUserById(id: string): Promise<OmUser> {
    return this.request<OmUser>('GET', `/users/${encodeURIComponent(id)}`)
  }

  /** GET /api/v1/teams/{id}. */
  async getTeamById(id: string): Promise<OmTeam> {
    return this.request<OmTeam>('GET', `/teams/${encodeURIComponent(id)}`)
  }

  /** PATCH with a JSON Patch document, as OpenMetadata's UI does. */
  async patchEntity(type: OmEntityType, id: string, patch: readonly JsonPatchOperation[]): Promise<OmEntity> {
    return this.request<OmEntity>('PATCH', `/${omCollections[type]}/${encodeURIComponent(id)}`, { body: patch, contentType: 'application/json-patch+json' })
  }

  /** Any JSON request to the API; exposed for subscriptions and tests. */
  async request<T>(method: string, path: string, init: { query?: Query; body?: unknown; contentType?: string } = {}): Promise<T> {
    const url = new URL(`${this.base}/api/v1${path}`)
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json'
    const where = `${method} ${url.pathname}`
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        response = await this.fetchImpl(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: AbortSignal.timeout(this.timeoutMs) })
      } catch (cause) {
        const error = new RevmetaError('CATALOG_UNREACHABLE', `Catalog ${where} failed: ${this.redact((cause as Error).message)}`, { details: { url: url.origin, path: url.pathname } })
        if (attempt < this.retries) {
          await this.sleep(backoff(attempt))
          continue
        }
        throw error
      }
      if (response.ok) {
        const text = await response.text()
        try {
          return (text.length === 0 ? {} : JSON.parse(text)) as T
        } catch {
          throw new RevmetaError('CATALOG_FAILED', `Catalog ${where} answered ${response.status} with a body that is not JSON`, { details: { status: response.status } })
        }
      }
      const message = this.redact(await readMessage(response))
      const details = { status: response.status, path: url.pathname }
      if (response.status === 401 || response.status === 403) throw new RevmetaError('CATALOG_AUTH', `Catalog ${where} refused the credentials (${response.status}): ${message}`, { details })
      if (response.status === 404) throw new RevmetaError('CATALOG_NOT_FOUND', `Catalog ${where}: not found: ${message}`, { details })
      if (response.status === 429 || response.status >= 500) {
        if (attempt < this.retries) {
          const retryAfter = Number(response.headers.get('retry-after'))
          await this.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 60_000) : backoff(attempt))
          continue
        }
        throw new RevmetaError('CATALOG_UNREACHABLE', `Catalog ${where} answered ${response.status}: ${message}`, { details })
      }
      throw new RevmetaError('CATALOG_FAILED', `Catalog ${where} answered ${response.status}: ${message}`, { details })
    }
  }

  private redact(text: string): string {
    return redactSecrets(text, this.options.token ? [this.options.token] : [])
  }
}

function defaultFields(type: OmEntityType): string {
  return type === 'table' ? 'columns,tags,owners' : 'tags,owners'
}

/** Capped exponential backoff with jitter: 250 ms, 500 ms, 1 s … up to 8 s. */
function backoff(attempt: number): number {
  const ceiling = Math.min(8_000, 250 * 2 ** attempt)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

async function readMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { message?: unknown }
    if (typeof body.message === 'string') return body.message
  } catch {
    // not JSON: the text itself, shortened
  }
  return text.slice(0, 300) || response.statusText
}
