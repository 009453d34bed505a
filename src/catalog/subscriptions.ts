import { randomUUID } from 'node:crypto'
import type { SqlRunner } from '../store/sql-runner.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText, encodeStoreTextOrNull, parseStoreJson } from '../store/store-text.js'
import { badRequest, CatalogError, notFound } from './catalog-error.js'
import type { CatalogTables } from './catalog-tables.js'
import { isTrue, validName } from './directory-rows.js'
import { isRecord } from './om-json.js'
import { compareBytes } from './sql-lists.js'

/** A webhook subscription as deliveries need it; `secret` never leaves the process. */
export interface Subscription {
  readonly id: string
  readonly name: string
  readonly endpoint: string
  readonly secret?: string
  readonly httpMethod: 'POST' | 'PUT'
  readonly headers: Readonly<Record<string, string>>
  readonly enabled: boolean
}

export interface SubscriptionInput {
  readonly name: string
  readonly endpoint: string
  readonly secretKey?: string
  readonly httpMethod?: 'POST' | 'PUT'
  readonly headers?: Readonly<Record<string, string>>
  readonly enabled?: boolean
}

interface DbRow {
  id: string
  name: string
  endpoint: string
  secret: string | null
  http_method: 'POST' | 'PUT'
  headers: string
  enabled: boolean | number
}

const columns = 'id, name, endpoint, secret, http_method, CAST(headers AS text) AS headers, enabled'

const toSubscription = (r: DbRow): Subscription => ({
  id: r.id,
  name: decodeStoreText(r.name),
  endpoint: decodeStoreText(r.endpoint),
  ...(r.secret ? { secret: decodeStoreText(r.secret) } : {}),
  httpMethod: r.http_method,
  headers: parseStoreJson<Record<string, string>>(r.headers),
  enabled: isTrue(r.enabled),
})

/** The row's values as stored: strings from the request through the store text encoding. */
const rowValues = (id: string, input: SubscriptionInput, now: number): unknown[] => [
  id,
  encodeStoreText(input.name),
  encodeStoreText(input.endpoint),
  encodeStoreTextOrNull(input.secretKey),
  input.httpMethod ?? 'POST',
  encodeStoreJson(input.headers ?? {}),
  input.enabled ?? true,
  now,
]

/**
 * Reads both shapes a client may post: OpenMetadata's EventSubscription, whose first Webhook
 * destination carries `config: { endpoint, secretKey, httpMethod, headers }`, and the short
 * `{ name, endpoint, secretKey }`.
 */
export function parseSubscription(value: unknown): SubscriptionInput {
  if (!isRecord(value)) throw badRequest('The body of a subscription must be a JSON object')
  const name = validName(value.name, 'A subscription')
  let config: Record<string, unknown> = value
  if (Array.isArray(value.destinations)) {
    const webhook = value.destinations.find((d) => isRecord(d) && typeof d.type === 'string' && d.type.toLowerCase() === 'webhook')
    if (!isRecord(webhook) || !isRecord(webhook.config)) throw badRequest('The subscription has no Webhook destination with a config (endpoint, secretKey)')
    config = webhook.config
  }
  const endpoint = config.endpoint
  if (typeof endpoint !== 'string' || !/^https?:\/\//i.test(endpoint)) throw badRequest('A webhook endpoint must be an http(s) URL')
  try {
    new URL(endpoint)
  } catch {
    throw badRequest(`Invalid webhook endpoint ${JSON.stringify(endpoint)}`)
  }
  const method = typeof config.httpMethod === 'string' ? config.httpMethod.toUpperCase() : 'POST'
  if (method !== 'POST' && method !== 'PUT') throw badRequest('httpMethod must be POST or PUT')
  const headers: Record<string, string> = {}
  if (isRecord(config.headers)) for (const [k, v] of Object.entries(config.headers)) if (typeof v === 'string') headers[k] = v
  return {
    name,
    endpoint,
    ...(typeof config.secretKey === 'string' && config.secretKey.length > 0 ? { secretKey: config.secretKey } : {}),
    httpMethod: method,
    headers,
    enabled: value.enabled !== false,
  }
}

/** Header values may carry credentials (Authorization): the API shows their names only. */
const maskedHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.keys(headers).map((k) => [k, '*********']))

/** The subscription as the API shows it: OpenMetadata's EventSubscription, with the secret withheld. */
export function subscriptionJson(s: Subscription): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    fullyQualifiedName: s.name,
    alertType: 'Notification',
    resources: ['all'],
    enabled: s.enabled,
    destinations: [{ category: 'External', type: 'Webhook', config: { endpoint: s.endpoint, httpMethod: s.httpMethod, ...(Object.keys(s.headers).length > 0 ? { headers: maskedHeaders(s.headers) } : {}), secretKey: s.secret ? '*********' : '' } }],
  }
}

export class CatalogSubscriptions {
  constructor(
    private readonly runner: SqlRunner,
    private readonly t: CatalogTables,
    private readonly now: () => number,
  ) {}

  /** A new subscription; a name already taken is a conflict, as in OpenMetadata. */
  async create(input: SubscriptionInput): Promise<Subscription> {
    const rows = await this.runner.query<DbRow>(
      `INSERT INTO ${this.t.subscriptions} (id, name, endpoint, secret, http_method, headers, enabled, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING
       RETURNING ${columns}`,
      rowValues(randomUUID(), input, this.now()),
    )
    if (rows[0] === undefined) throw new CatalogError(409, `Entity already exists: a subscription named ${input.name}`)
    return toSubscription(rows[0])
  }

  /** Creates or replaces the subscription of this name (revmeta serve keeps its own this way). */
  async upsert(input: SubscriptionInput): Promise<Subscription> {
    const [row] = await this.runner.query<DbRow>(
      `INSERT INTO ${this.t.subscriptions} (id, name, endpoint, secret, http_method, headers, enabled, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (name) DO UPDATE SET endpoint = excluded.endpoint, secret = excluded.secret, http_method = excluded.http_method,
         headers = excluded.headers, enabled = excluded.enabled, updated_at = excluded.updated_at
       RETURNING ${columns}`,
      rowValues(randomUUID(), input, this.now()),
    )
    return toSubscription(row as DbRow)
  }

  async list(options: { enabledOnly?: boolean } = {}): Promise<Subscription[]> {
    const rows = options.enabledOnly
      ? await this.runner.query<DbRow>(`SELECT ${columns} FROM ${this.t.subscriptions} WHERE enabled = $1`, [true])
      : await this.runner.query<DbRow>(`SELECT ${columns} FROM ${this.t.subscriptions}`)
    // Sorted here, in byte order, whatever the PostgreSQL server's collation.
    return rows.map(toSubscription).sort((a, b) => compareBytes(a.name, b.name))
  }

  async get(name: string): Promise<Subscription> {
    const [row] = await this.runner.query<DbRow>(`SELECT ${columns} FROM ${this.t.subscriptions} WHERE name = $1`, [encodeStoreText(name)])
    if (row === undefined) throw notFound('eventsubscription', name)
    return toSubscription(row)
  }
}
