import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stateful loopback stand-in for the BigQuery REST API v2 subset revmeta uses: datasets.get and
 * .patch, tables.list, .get and .patch. A patch changes what the next read returns, every write
 * gets a new ETag, a PATCH whose If-Match is stale gets 412, and a table's schema is replaced whole
 * (as BigQuery does), refusing a schema that drops or retypes a field. Faults are scripted.
 */
export type Resource = Record<string, unknown>

export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly query: string
  readonly ifMatch?: string
  readonly authorized: boolean
  readonly body?: Resource
  /** The status answered. */
  status: number
}

export interface Fault {
  readonly status: number
  readonly reason: string
  readonly message?: string
  /** Which requests it hits (default: any); it hits the next `count` of them (default 1). */
  readonly method?: string
  readonly pathIncludes?: string
  count?: number
}

export interface BigQueryEndpoint {
  readonly url: string
  readonly received: ReceivedRequest[]
  /** Adds a dataset; `extra` fields (location, access, defaultTableExpirationMs, ...) are kept as given. */
  addDataset(project: string, dataset: string, resource?: Resource): void
  /** Adds a table, view or materialized view (`type`), its resource kept as given apart from references and ETag. */
  addTable(project: string, dataset: string, table: string, resource: Resource): void
  /** The resource as the next GET returns it (a deep copy). */
  dataset(project: string, dataset: string): Resource
  table(project: string, dataset: string, table: string): Resource
  /** Someone else writes the table now (a new ETag), as a concurrent writer would. */
  changeTable(project: string, dataset: string, table: string, change: (resource: Resource) => void): void
  /** The next PATCH of that table gets 412 after `change` is applied, as if another writer slipped in between read and write. */
  conflictOnce(project: string, dataset: string, table: string, change: (resource: Resource) => void): void
  fail(fault: Fault): void
  /** tables.list pages hold at most this many tables (default 1000). */
  pageSize: number
  /** Each answer waits this long (default 0), so that concurrent requests overlap and `maxInFlight` shows how many. */
  delayMs: number
  /** The most requests that were open at once. */
  readonly maxInFlight: number
  close(): Promise<void>
}

const clone = <T>(v: T): T => structuredClone(v)

interface DatasetEntry {
  resource: Resource
  tables: Map<string, Resource>
}

export async function startBigQueryEndpoint(): Promise<BigQueryEndpoint> {
  const datasets = new Map<string, DatasetEntry>()
  const received: ReceivedRequest[] = []
  const faults: Fault[] = []
  const conflicts = new Map<string, (r: Resource) => void>()
  let etags = 0
  const nextEtag = () => `etag-${++etags}`
  const dsKey = (p: string, d: string) => `${p}\u0000${d}`
  const entry = (p: string, d: string) => {
    const e = datasets.get(dsKey(p, d))
    if (!e) throw new Error(`no dataset ${p}.${d} in the endpoint`)
    return e
  }
  const tableOf = (p: string, d: string, t: string) => {
    const r = entry(p, d).tables.get(t)
    if (!r) throw new Error(`no table ${p}.${d}.${t} in the endpoint`)
    return r
  }

  const api: BigQueryEndpoint = {
    url: '',
    received,
    pageSize: 1000,
    delayMs: 0,
    maxInFlight: 0,
    addDataset(project, dataset, resource = {}) {
      datasets.set(dsKey(project, dataset), {
        resource: { kind: 'bigquery#dataset', ...clone(resource), id: `${project}:${dataset}`, datasetReference: { projectId: project, datasetId: dataset }, etag: nextEtag() },
        tables: new Map(),
      })
    },
    addTable(project, dataset, table, resource) {
      entry(project, dataset).tables.set(table, {
        kind: 'bigquery#table',
        type: 'TABLE',
        ...clone(resource),
        id: `${project}:${dataset}.${table}`,
        tableReference: { projectId: project, datasetId: dataset, tableId: table },
        etag: nextEtag(),
      })
    },
    dataset: (p, d) => clone(entry(p, d).resource),
    table: (p, d, t) => clone(tableOf(p, d, t)),
    changeTable(p, d, t, change) {
      const r = tableOf(p, d, t)
      change(r)
      r.etag = nextEtag()
    },
    conflictOnce(p, d, t, change) {
      conflicts.set(`${p}.${d}.${t}`, change)
    },
    fail(fault) {
      faults.push({ ...fault, count: fault.count ?? 1 })
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  let inFlight = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    inFlight++
    ;(api as { maxInFlight: number }).maxInFlight = Math.max(api.maxInFlight, inFlight)
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const answer = () => {
        try {
          handle(req, res, raw)
        } catch (err) {
          send(res, 500, { error: { code: 500, message: String(err), errors: [{ reason: 'internalError', message: String(err) }] } })
        }
      }
      if (api.delayMs > 0) setTimeout(answer, api.delayMs)
      else answer()
    })
  })

  function send(res: ServerResponse, status: number, body: unknown) {
    inFlight--
    // handle() records the request and answers it in one go, so the last one received is this one.
    received.at(-1)!.status = status
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
    res.end(JSON.stringify(body))
  }
  const error = (res: ServerResponse, status: number, reason: string, message: string) => send(res, status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }], status: reason } })

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    const body = raw.length > 0 ? (JSON.parse(raw) as Resource) : undefined
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined
    received.push({ method, path: url.pathname, query: url.search, ...(ifMatch ? { ifMatch } : {}), authorized: typeof req.headers.authorization === 'string', ...(body ? { body } : {}), status: 0 })
    const fault = faults.find((f) => (f.method === undefined || f.method === method) && (f.pathIncludes === undefined || url.pathname.includes(f.pathIncludes)))
    if (fault) {
      if (--fault.count! <= 0) faults.splice(faults.indexOf(fault), 1)
      return error(res, fault.status, fault.reason, fault.message ?? `scripted ${fault.reason}`)
    }
    const projectList = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets$/.exec(url.pathname)
    if (projectList && method === 'GET') {
      const project = decodeURIComponent(projectList[1]!)
      const own = [...datasets.values()].filter((d) => (d.resource.datasetReference as { projectId: string }).projectId === project)
      return send(res, 200, { kind: 'bigquery#datasetList', datasets: own.map((d) => ({ kind: 'bigquery#dataset', id: d.resource.id, datasetReference: d.resource.datasetReference, ...(d.resource.labels ? { labels: d.resource.labels } : {}) })) })
    }
    const m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)(?:\/tables(?:\/([^/]+))?)?$/.exec(url.pathname)
    if (!m) return error(res, 404, 'notFound', `Not found: ${url.pathname}`)
    const [project, dataset] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)]
    const listing = url.pathname.endsWith('/tables')
    const table = m[3] === undefined ? undefined : decodeURIComponent(m[3])
    const ds = datasets.get(dsKey(project, dataset))
    if (!ds) return error(res, 404, 'notFound', `Not found: Dataset ${project}:${dataset}`)
    if (listing) {
      if (method !== 'GET') return error(res, 400, 'invalid', 'tables: only GET')
      const all = [...ds.tables.values()]
      const start = Number(url.searchParams.get('pageToken') ?? '0')
      const page = all.slice(start, start + api.pageSize)
      const next = start + api.pageSize < all.length ? { nextPageToken: String(start + api.pageSize) } : {}
      return send(res, 200, {
        kind: 'bigquery#tableList',
        totalItems: all.length,
        tables: page.map((t) => ({ kind: 'bigquery#table', id: t.id, tableReference: t.tableReference, type: t.type, ...(t.labels ? { labels: t.labels } : {}) })),
        ...next,
      })
    }
    if (table === undefined) {
      if (method === 'GET') return send(res, 200, ds.resource)
      if (method !== 'PATCH' || !body) return error(res, 400, 'invalid', 'datasets: GET or PATCH with a body')
      if (ifMatch !== undefined && ifMatch !== ds.resource.etag) return error(res, 412, 'conditionNotMet', 'Precondition check failed.')
      const badLabel = labelProblem(body.labels)
      if (badLabel) return error(res, 400, 'invalid', badLabel)
      merge(ds.resource, body)
      ds.resource.etag = nextEtag()
      return send(res, 200, ds.resource)
    }
    const resource = ds.tables.get(table)
    if (!resource) return error(res, 404, 'notFound', `Not found: Table ${project}:${dataset}.${table}`)
    if (method === 'GET') return send(res, 200, resource)
    if (method !== 'PATCH' || !body) return error(res, 400, 'invalid', 'tables: GET or PATCH with a body')
    const conflict = conflicts.get(`${project}.${dataset}.${table}`)
    if (conflict) {
      conflicts.delete(`${project}.${dataset}.${table}`)
      conflict(resource)
      resource.etag = nextEtag()
    }
    if (ifMatch !== undefined && ifMatch !== resource.etag) return error(res, 412, 'conditionNotMet', 'Precondition check failed.')
    const badLabel = labelProblem(body.labels)
    if (badLabel) return error(res, 400, 'invalid', badLabel)
    if (body.schema !== undefined) {
      const problem = schemaProblem((resource.schema as { fields?: Resource[] } | undefined)?.fields ?? [], (body.schema as { fields?: Resource[] }).fields ?? [], '')
      if (problem) return error(res, 400, 'invalid', `Provided Schema does not match Table ${project}:${dataset}.${table}. ${problem}`)
    }
    merge(resource, body)
    resource.etag = nextEtag()
    return send(res, 200, resource)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  ;(api as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return api
}

// Output-only fields a client may echo back; BigQuery ignores them on input.
const outputOnly = new Set(['etag', 'id', 'kind', 'selfLink', 'creationTime', 'lastModifiedTime', 'numBytes', 'numRows', 'type', 'tableReference', 'datasetReference', 'location'])

/** BigQuery's PATCH: top-level fields replaced, labels merged key by key (null deletes one), null deletes a field. */
function merge(resource: Resource, body: Resource) {
  for (const [key, value] of Object.entries(body)) {
    if (outputOnly.has(key)) continue
    if (key === 'labels' && value !== null && typeof value === 'object') {
      const labels = { ...((resource.labels as Record<string, string> | undefined) ?? {}) }
      for (const [k, v] of Object.entries(value as Record<string, string | null>)) {
        if (v === null) delete labels[k]
        else labels[k] = v
      }
      resource.labels = labels
    } else if (value === null) delete resource[key]
    else resource[key] = structuredClone(value)
  }
}

/** A schema sent whole may add descriptions but may not drop, rename, reorder or retype a field. */
function schemaProblem(current: readonly Resource[], sent: readonly Resource[], prefix: string): string | undefined {
  if (sent.length < current.length) return `Field ${prefix}${current[sent.length]!.name} is missing in new schema`
  for (let i = 0; i < current.length; i++) {
    const [c, s] = [current[i]!, sent[i]!]
    if (c.name !== s.name) return `Field ${prefix}${c.name} is missing in new schema`
    if (c.type !== s.type) return `Field ${prefix}${c.name} has changed type from ${String(c.type)} to ${String(s.type)}`
    if ((c.mode ?? 'NULLABLE') !== (s.mode ?? 'NULLABLE')) return `Field ${prefix}${c.name} has changed mode`
    const inner = schemaProblem((c.fields as Resource[] | undefined) ?? [], (s.fields as Resource[] | undefined) ?? [], `${prefix}${String(c.name)}.`)
    if (inner) return inner
  }
  return undefined
}

/** BigQuery's label rules, so a mapping that let a bad label through fails here as it would there. */
function labelProblem(labels: unknown): string | undefined {
  if (labels === undefined || labels === null) return undefined
  for (const [k, v] of Object.entries(labels as Record<string, string | null>)) {
    if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,62}$/u.test(k)) return `Invalid label key: ${k}`
    if (v !== null && !/^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,63}$/u.test(v)) return `Invalid label value: ${v}`
  }
  return undefined
}
