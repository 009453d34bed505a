import { readFile } from 'node:fs/promises'
import type { BigQuery, Dataset, Table } from '@google-cloud/bigquery'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, Statement, UnitResult } from '../connector.js'
import { mapLimit } from '../kit/api-map-limit.js'
import type { BigQueryConnection } from './bigquery-connection.js'
import { classifyBigQueryError } from './bigquery-errors.js'
import { parseResourcePath } from './bigquery-paths.js'
import { datasetState, tableStates, type DatasetResource, type ReadBackPlace, type TableResource } from './bigquery-read-back.js'
import { bodyFor, combine, intentOf, type PatchIntent } from './bigquery-patch-intent.js'

type Place = { project: string; dataset: string; table?: string }
const statusOf = (err: unknown) => (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : undefined)
const keyOf = (p: Place) => JSON.stringify([p.project, p.dataset, p.table ?? null])
const nameOf = (p: Place) => [p.project, p.dataset, p.table].filter((x) => x !== undefined).join('.')
/**
 * Tables kept for planned schemas to be applied against: a worker runs for days, so the oldest go
 * first. One planned from a read already dropped is sent as planned, with its If-Match.
 */
const keptTables = 2_000
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > keptTables) map.delete(map.keys().next().value as K)
}
const failure = (err: unknown): UnitResult => ({ ok: false, error: err instanceof RevmetaError ? err : classifyBigQueryError(err, 'a request') })

/**
 * BigQuery through @google-cloud/bigquery. Reads back with datasets.get, tables.list and tables.get
 * (exact values, unlike INFORMATION_SCHEMA's SQL-literal renderings), with bounded concurrency.
 * Descriptions and labels are plain PATCHes (BigQuery merges top-level fields and single labels);
 * a column description replaces the whole schema, so it is read → one description changed → sent
 * with If-Match, and a 412 is read again and retried without overwriting the other writer.
 */
export class BigQueryClient implements ConnectorClient {
  /** Tables as this client read or wrote them, by ETag: the base a planned schema was made from. */
  private readonly bases = new Map<string, TableResource>()
  /** The newest version of each table this client knows, so its own writes need no 412 to learn of each other. */
  private readonly latest = new Map<string, TableResource>()

  constructor(
    private readonly bq: BigQuery,
    private readonly connection: BigQueryConnection,
    private readonly context: ClientContext,
    private readonly ownerLabel: string | undefined,
  ) {}

  private dataset(p: Place): Dataset {
    return this.bq.dataset(p.dataset, { projectId: p.project, ...(this.connection.location ? { location: this.connection.location } : {}) })
  }

  private table(p: Place): Table {
    return this.dataset(p).table(p.table!, this.connection.location ? { location: this.connection.location } : {})
  }

  private remember(p: Place, resource: TableResource): TableResource {
    if (resource.etag) remember(this.bases, resource.etag, resource)
    remember(this.latest, keyOf(p), resource)
    return resource
  }

  private async getTable(p: Place, request: string): Promise<TableResource> {
    try {
      const [resource] = (await this.table(p).getMetadata()) as unknown as [TableResource]
      return this.remember(p, resource)
    } catch (err) {
      throw classifyBigQueryError(err, request)
    }
  }

  async readBack(assets: readonly AssetRef[]): Promise<ReadonlyMap<string, ObjectState>> {
    const snapshot = new Map<string, ObjectState>()
    // A dataset asked for is read whole (the contract; ingestion lists it so); otherwise only the tables named.
    const datasets = new Map<string, { place: ReadBackPlace; tables: Set<string>; whole: boolean }>()
    for (const a of assets) {
      if (a.schema === undefined) continue
      const key = JSON.stringify([a.database, a.schema])
      const entry = datasets.get(key) ?? { place: { service: this.context.service, project: a.database, dataset: a.schema, ...(this.ownerLabel ? { ownerLabel: this.ownerLabel } : {}) }, tables: new Set<string>(), whole: false }
      if (a.table !== undefined) entry.tables.add(a.table)
      else entry.whole = true
      datasets.set(key, entry)
    }
    const limit = this.connection.readConcurrency
    const listed = await mapLimit([...datasets.values()], limit, async ({ place, tables, whole }) => {
      const handle = this.dataset(place)
      const path = `/bigquery/v2/projects/${place.project}/datasets/${place.dataset}`
      let resource: DatasetResource
      try {
        ;[resource] = (await handle.getMetadata()) as unknown as [DatasetResource]
      } catch (err) {
        if (statusOf(err) === 404) return []
        throw classifyBigQueryError(err, `GET ${path}`)
      }
      const [fqn, state] = datasetState(resource, place)
      snapshot.set(fqn, state)
      if (tables.size === 0 && !whole) return []
      let names: Set<string>
      try {
        const [list] = await handle.getTables({ autoPaginate: true })
        names = new Set(list.map((t) => t.id!))
      } catch (err) {
        throw classifyBigQueryError(err, `GET ${path}/tables`)
      }
      return (whole ? [...names] : [...tables].filter((t) => names.has(t))).map((table) => ({ place, table }))
    })
    await mapLimit(listed.flat(), limit, async ({ place, table }) => {
      const p = { project: place.project, dataset: place.dataset, table }
      const resource = await this.getTable(p, `GET /bigquery/v2/projects/${p.project}/datasets/${p.dataset}/tables/${table}`)
      for (const [fqn, state] of tableStates(table, resource, place)) snapshot.set(fqn, state)
    })
    return snapshot
  }

  /** The catalog's databases are projects: the one the client runs as. */
  async listDatabases(): Promise<string[]> {
    return [this.connection.projectId]
  }

  /** The datasets of a project (datasets.list, paged). */
  async listSchemas(project: string): Promise<string[]> {
    try {
      const [list] = await this.bq.getDatasets({ projectId: project, autoPaginate: true })
      return list.map((d) => d.id!)
    } catch (err) {
      throw classifyBigQueryError(err, `GET /bigquery/v2/projects/${project}/datasets`)
    }
  }

  /**
   * Units on one resource are combined into one request (the connector's pacing counts one update
   * per resource and call); resources run side by side, at most writeConcurrency at once.
   */
  async execute(_route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results = new Array<UnitResult>(units.length)
    const byResource = new Map<string, number[]>()
    units.forEach((unit, i) => {
      const first = unit[0]
      const key = first?.kind === 'api' ? first.path : ''
      byResource.set(key, [...(byResource.get(key) ?? []), i])
    })
    await mapLimit([...byResource.values()], this.connection.writeConcurrency, async (indexes) => {
      const outcomes = await this.runGroup(indexes.map((i) => units[i]!))
      indexes.forEach((i, k) => (results[i] = outcomes[k]!))
    })
    return results
  }

  /** One resource's units: those planned elsewhere alone, the rest as one request; a permanent failure of that request is retried unit by unit, so it is pinned on its own unit. */
  private async runGroup(units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results = new Array<UnitResult>(units.length)
    const together: { index: number; place: Place; request: string; intent: PatchIntent }[] = []
    for (const [index, unit] of units.entries()) {
      try {
        const request = this.requestOf(unit)
        if (request.plannedElsewhere) {
          await this.sendAsPlanned(request.place, request.body, request.text)
          results[index] = { ok: true }
        } else together.push({ index, place: request.place, request: request.text, intent: request.intent })
      } catch (err) {
        results[index] = failure(err)
      }
    }
    if (together.length === 0) return results
    const first = together[0]!
    try {
      await this.sendIntent(first.place, combine(together.map((t) => t.intent)), first.request)
      for (const t of together) results[t.index] = { ok: true }
    } catch (err) {
      const error = failure(err)
      if (together.length === 1 || (!error.ok && error.error.retryable)) for (const t of together) results[t.index] = error
      else
        for (const t of together) {
          try {
            await this.sendIntent(t.place, t.intent, t.request)
            results[t.index] = { ok: true }
          } catch (e) {
            results[t.index] = failure(e)
          }
        }
    }
    return results
  }

  /** A unit is one PATCH this dialect rendered; its intent, or the body to send as planned when it came from a read this client never saw. */
  private requestOf(unit: readonly Statement[]): { place: Place; text: string; body: Record<string, unknown>; plannedElsewhere: boolean; intent: PatchIntent } {
    const statement = unit[0]
    const place = statement?.kind === 'api' ? parseResourcePath(statement.path) : undefined
    const body = statement?.kind === 'api' ? (statement.body as Record<string, unknown> | undefined) : undefined
    if (statement?.kind === 'sql') {
      throw new RevmetaError('UNSUPPORTED', 'A bigquery service runs API requests, not SQL: a custom SQL template cannot write to it (the dialect renders descriptions, labels and owners itself)')
    }
    if (unit.length !== 1 || statement?.kind !== 'api' || statement.method !== 'PATCH' || place === undefined || typeof body !== 'object' || body === null) {
      throw new RevmetaError('INTERNAL', `BigQuery client cannot send ${statement === undefined ? 'an empty unit' : statement.kind === 'api' ? `${statement.method} ${statement.path}` : 'SQL'}`)
    }
    const text = `${statement.method} ${statement.path}`
    const etag = typeof body.etag === 'string' ? body.etag : undefined
    const base = etag === undefined ? undefined : this.bases.get(etag)
    const plannedElsewhere = etag !== undefined && base === undefined
    const intent = plannedElsewhere ? { top: {}, fields: [] } : intentOf(body, base?.schema?.fields ?? (etag === undefined ? undefined : []), nameOf(place))
    return { place, text, body, plannedElsewhere, intent }
  }

  /**
   * Sends an intent. Descriptions and labels alone are a plain PATCH (BigQuery merges top-level
   * fields and single labels). Field descriptions replace the whole schema: they are applied to
   * the newest version of the table this client knows, sent with its ETag (If-Match), and a 412
   * (another write landed between read and patch) is read again and retried, so the other
   * writer's change is kept.
   */
  private async sendIntent(place: Place, intent: PatchIntent, request: string): Promise<void> {
    const name = nameOf(place)
    if (intent.fields.length === 0 || place.table === undefined) {
      try {
        if (place.table === undefined) await this.dataset(place).setMetadata(bodyFor(intent, undefined, name))
        else this.remember(place, ((await this.table(place).setMetadata(bodyFor(intent, undefined, name))) as unknown as [TableResource])[0])
      } catch (err) {
        throw classifyBigQueryError(err, request)
      }
      return
    }
    const get = `GET ${request.slice('PATCH '.length)}`
    let current = this.latest.get(keyOf(place)) ?? (await this.getTable(place, get))
    for (let attempt = 0; ; attempt++) {
      const body = bodyFor(intent, current, name)
      try {
        this.remember(place, ((await this.table(place).setMetadata(body)) as unknown as [TableResource])[0])
        return
      } catch (err) {
        if (statusOf(err) !== 412) throw classifyBigQueryError(err, request)
        if (attempt >= this.connection.conflictRetries) throw classifyBigQueryError(err, `${request} (after ${attempt + 1} conflicting writes)`)
        current = await this.getTable(place, get)
      }
    }
  }

  /** A complete schema planned from a read this client did not make (a queued statement): sent as planned, refused if the table moved on. */
  private async sendAsPlanned(place: Place, body: Record<string, unknown>, request: string): Promise<void> {
    try {
      const [resource] = (await this.table(place).setMetadata(body)) as unknown as [TableResource]
      this.remember(place, resource)
    } catch (err) {
      const error = classifyBigQueryError(err, request)
      if (statusOf(err) !== 412) throw error
      throw new RevmetaError('CONCURRENT_MODIFICATION', `${error.message}; the table changed since this schema was planned, plan again`, { cause: err, retryable: false, details: error.details })
    }
  }

  async close(): Promise<void> {}
}

/** Loads the SDK on first use; explicit credentials and endpoint when given, else Google's defaults. */
export async function createBigQueryClient(connection: BigQueryConnection, context: ClientContext, ownerLabel: string | undefined): Promise<ConnectorClient> {
  if (connection.keyFile) await checkKeyFile(connection.keyFile)
  const { BigQuery } = await import('@google-cloud/bigquery')
  const bq = new BigQuery({
    projectId: connection.projectId,
    ...(connection.location ? { location: connection.location } : {}),
    ...(connection.keyFile ? { keyFilename: connection.keyFile } : {}),
    ...(connection.apiEndpoint ? { apiEndpoint: connection.apiEndpoint } : {}),
    // The engine retries throttling and 5xx with backoff and paces table updates: the SDK's own
    // retries would hide both from it.
    retryOptions: { autoRetry: false, maxRetries: 0 },
  })
  // A service account signs its own token (a self-signed JWT with the scope, as Google's newer
  // libraries do): no round trip to the OAuth token server, which an explicit endpoint would miss.
  if (connection.keyFile) bq.authClient.useJWTAccessWithScope = true
  bq.interceptors.push({ request: (options) => Object.assign(options, { timeout: connection.timeoutMs }) as never })
  return new BigQueryClient(bq, connection, context, ownerLabel)
}

/**
 * Refuses an unreadable or malformed service-account key before the first request, with a message
 * that names the file and the missing field but never shows its content.
 */
async function checkKeyFile(file: string): Promise<void> {
  const refuse = (why: string) => new RevmetaError('CONNECTION_FAILED', `Cannot connect to bigquery: the key file ${JSON.stringify(file)} ${why}`, { retryable: false, details: { engine: 'bigquery', keyFile: file } })
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw refuse(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let key: Record<string, unknown>
  try {
    key = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw refuse('is not JSON (a service-account key downloaded from the console is)')
  }
  const missing = ['client_email', 'private_key'].filter((field) => typeof key[field] !== 'string' || key[field] === '')
  if (key.type === 'service_account' && missing.length > 0) throw refuse(`has no ${missing.join(' or ')}`)
}
