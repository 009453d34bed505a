import type { BigQuery, Dataset, Table } from '@google-cloud/bigquery'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ApiStatement, ClientContext, ConnectorClient, ObjectState, Statement, UnitResult } from '../connector.js'
import { mapLimit } from '../kit/api-map-limit.js'
import type { BigQueryConnection } from './bigquery-connection.js'
import { classifyBigQueryError } from './bigquery-errors.js'
import { parseResourcePath } from './bigquery-paths.js'
import { datasetState, tableStates, type DatasetResource, type ReadBackPlace, type TableResource } from './bigquery-read-back.js'
import { descriptionChanges, sparseChanges, withDescription, type FieldDescription, type SchemaField } from './bigquery-schema-fields.js'

type Place = { project: string; dataset: string; table?: string }
const statusOf = (err: unknown) => (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : undefined)
const keyOf = (p: Place) => JSON.stringify([p.project, p.dataset, p.table ?? null])

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
    if (resource.etag) this.bases.set(resource.etag, resource)
    this.latest.set(keyOf(p), resource)
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
    const datasets = new Map<string, { place: ReadBackPlace; tables: Set<string> }>()
    for (const a of assets) {
      if (a.schema === undefined) continue
      const key = JSON.stringify([a.database, a.schema])
      const entry = datasets.get(key) ?? { place: { service: this.context.service, project: a.database, dataset: a.schema, ...(this.ownerLabel ? { ownerLabel: this.ownerLabel } : {}) }, tables: new Set<string>() }
      if (a.table !== undefined) entry.tables.add(a.table)
      datasets.set(key, entry)
    }
    const limit = this.connection.readConcurrency
    const listed = await mapLimit([...datasets.values()], limit, async ({ place, tables }) => {
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
      if (tables.size === 0) return []
      let names: Set<string>
      try {
        const [list] = await handle.getTables({ autoPaginate: true })
        names = new Set(list.map((t) => t.id!))
      } catch (err) {
        throw classifyBigQueryError(err, `GET ${path}/tables`)
      }
      return [...tables].filter((t) => names.has(t)).map((table) => ({ place, table }))
    })
    await mapLimit(listed.flat(), limit, async ({ place, table }) => {
      const p = { project: place.project, dataset: place.dataset, table }
      const resource = await this.getTable(p, `GET /bigquery/v2/projects/${p.project}/datasets/${p.dataset}/tables/${table}`)
      for (const [fqn, state] of tableStates(table, resource, place)) snapshot.set(fqn, state)
    })
    return snapshot
  }

  /** Units on one resource run one after another (each reads what the last wrote); resources run side by side. */
  async execute(_route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results = new Array<UnitResult>(units.length)
    const byResource = new Map<string, number[]>()
    units.forEach((unit, i) => {
      const first = unit[0]
      const key = first?.kind === 'api' ? first.path : ''
      byResource.set(key, [...(byResource.get(key) ?? []), i])
    })
    await mapLimit([...byResource.values()], this.connection.writeConcurrency, async (indexes) => {
      for (const i of indexes) results[i] = await this.runUnit(units[i]!)
    })
    return results
  }

  private async runUnit(unit: readonly Statement[]): Promise<UnitResult> {
    try {
      for (const statement of unit) {
        if (statement.kind !== 'api') throw new RevmetaError('INTERNAL', 'BigQuery statements are API requests, not SQL')
        await this.send(statement)
      }
      return { ok: true }
    } catch (err) {
      return { ok: false, error: err instanceof RevmetaError ? err : classifyBigQueryError(err, 'a request') }
    }
  }

  private async send(statement: ApiStatement): Promise<void> {
    const place = parseResourcePath(statement.path)
    const body = statement.body as Record<string, unknown> | undefined
    if (statement.method !== 'PATCH' || place === undefined || typeof body !== 'object' || body === null) {
      throw new RevmetaError('INTERNAL', `BigQuery client cannot send ${statement.method} ${statement.path}`)
    }
    const request = `${statement.method} ${statement.path}`
    if (place.table !== undefined && typeof body.schema === 'object' && body.schema !== null) return this.patchSchema(place, body, request)
    try {
      if (place.table === undefined) await this.dataset(place).setMetadata(body)
      else {
        const [resource] = (await this.table(place).setMetadata(body)) as unknown as [TableResource]
        this.remember(place, resource)
      }
    } catch (err) {
      throw classifyBigQueryError(err, request)
    }
  }

  /**
   * The schema is sent whole. What this unit changes is known exactly: the fields a sparse
   * (offline) body names, or what a complete body changes against the read it was planned from.
   * Only those descriptions are applied to the newest version of the table, so a change someone
   * made meanwhile is kept; a 412 means another write landed between read and patch: read again.
   */
  private async patchSchema(place: Place, body: Record<string, unknown>, request: string): Promise<void> {
    const fields = ((body.schema as { fields?: SchemaField[] }).fields ?? []) as SchemaField[]
    const etag = typeof body.etag === 'string' ? body.etag : undefined
    const name = `${place.project}.${place.dataset}.${place.table}`
    let intent: FieldDescription[]
    if (etag === undefined) intent = sparseChanges(fields)
    else {
      const base = this.bases.get(etag)
      if (base === undefined) return this.sendAsPlanned(place, body, request)
      intent = descriptionChanges(fields, base.schema?.fields ?? [], name)
    }
    let current = this.latest.get(keyOf(place)) ?? (await this.getTable(place, `GET ${request.slice('PATCH '.length)}`))
    for (let attempt = 0; ; attempt++) {
      const merged = intent.reduce<readonly SchemaField[]>((f, change) => withDescription(f, change, name), current.schema?.fields ?? [])
      try {
        const [resource] = (await this.table(place).setMetadata({ etag: current.etag, schema: { fields: merged as SchemaField[] } } as Record<string, unknown>)) as unknown as [TableResource]
        this.remember(place, resource)
        return
      } catch (err) {
        if (statusOf(err) !== 412) throw classifyBigQueryError(err, request)
        if (attempt >= this.connection.conflictRetries) throw classifyBigQueryError(err, `${request} (after ${attempt + 1} conflicting writes)`)
        current = await this.getTable(place, `GET ${request.slice('PATCH '.length)}`)
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
      throw new RevmetaError('API_CONFLICT', `${error.message}; the table changed since this schema was planned, plan again`, { cause: err, retryable: false, details: error.details })
    }
  }

  async close(): Promise<void> {}
}

/** Loads the SDK on first use; explicit credentials and endpoint when given, else Google's defaults. */
export async function createBigQueryClient(connection: BigQueryConnection, context: ClientContext, ownerLabel: string | undefined): Promise<ConnectorClient> {
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
