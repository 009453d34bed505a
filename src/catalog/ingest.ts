import { progressCounter, type OnProgress, type ProgressCount } from '../model/progress.js'
import type { RevmetaConfig, ServiceConfig } from '../config/load-config.js'
import type { ObjectState } from '../connectors/connector.js'
import { loadConnector } from '../connectors/registry.js'
import { errorReport, type ErrorReport } from '../model/report.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import { buildFqn } from '../model/fqn.js'
import type { OmEntityReference, OmTagLabel } from '../openmetadata/om-types.js'
import { mapOwner } from '../owners/map-owner.js'
import type { CatalogService, EntityUpsert } from './catalog-service.js'
import { principalRef } from './directory-rows.js'
import { deletedEntity, nextDatabase, nextSchema, nextTable, serviceTypeOf, type SourceMapping } from './ingest-entities.js'
import { readSource, type SourceDatabase } from './ingest-source.js'
import type { WriteOutcome, WriteResult } from './entity-writer.js'
import { tagLabel, type CatalogEntityType, type EntityJson } from './om-json.js'

/** The catalog user ingestion writes as: listed in catalog.ignoreUsers by default, so its changes never echo back. */
export const ingestUser = 'revmeta-ingest'

export type OutcomeCounts = Record<WriteOutcome, number>

export interface IngestSummary {
  readonly service: string
  readonly entities: Readonly<Record<CatalogEntityType, OutcomeCounts>>
  readonly columns: number
  /** Engine owners with no catalog user or team standing for them: those objects got no owners. */
  readonly unmatchedOwners: readonly string[]
  readonly error?: ErrorReport
}

/** Ingests the chosen services (all when none are named), one after the other; a failing service does not stop the others. */
export async function ingest(config: RevmetaConfig, catalog: CatalogService, options: { services?: readonly string[]; userName?: string; onProgress?: OnProgress } = {}): Promise<IngestSummary[]> {
  const chosen = options.services && options.services.length > 0 ? options.services : config.services.map((s) => s.name)
  const out: IngestSummary[] = []
  // Entities (databases, schemas, tables) written: the total grows as each service is read.
  const counter = progressCounter('ingesting', 0, options.onProgress)
  for (const name of chosen) {
    const service = config.services.find((s) => s.name === name)
    if (service === undefined) {
      const error = new RevmetaError('UNKNOWN_SERVICE', `No service named ${JSON.stringify(name)} in the configuration`, { details: { service: name } })
      out.push({ service: name, entities: emptyCounts(), columns: 0, unmatchedOwners: [], error: errorReport(error) })
      continue
    }
    out.push(await ingestService(service, catalog, options.userName ?? ingestUser, counter))
  }
  return out
}

/**
 * Reads one service through its connector and brings the catalog in line: databases, schemas and
 * tables created or updated (values the catalog lacks filled from the source, its own kept),
 * objects gone from the source marked deleted. Every change is an event by `userName`.
 */
export async function ingestService(
  service: ServiceConfig,
  catalog: CatalogService,
  userName: string = ingestUser,
  progress: ProgressCount = progressCounter('ingesting', 0, undefined),
): Promise<IngestSummary> {
  const entities = emptyCounts()
  let columns = 0
  const unmatched = new Set<string>()
  let expected = 0
  let written = 0
  try {
    const source = await readService(service)
    expected = source.reduce((n, db) => n + 1 + db.schemas.length + db.schemas.reduce((t, s) => t + s.tables.length, 0), 0)
    progress.grow(expected)
    const mapping = await sourceMapping(service, catalog, unmatched)
    const seen = new Set<string>()
    const count = (type: CatalogEntityType, results: readonly WriteResult[]) => {
      for (const r of results) entities[type][r.outcome] += 1
      written += results.length
      progress.advance(results.length)
    }
    for (const database of source) {
      const dbFqn = buildFqn([service.name, database.name])
      seen.add(dbFqn)
      const [db] = await catalog.upsertEntities([upsert('database', dbFqn, service.name, null, null, (cur) => nextDatabase(cur, database.name, database.state, mapping))], userName)
      count('database', db ? [db] : [])
      const dbEntity = (db as WriteResult).entity
      const schemaUpserts = database.schemas.map((schema) => {
        const fqn = buildFqn([service.name, database.name, schema.name])
        seen.add(fqn)
        return upsert('databaseSchema', fqn, service.name, dbFqn, dbFqn, (cur) => nextSchema(cur, dbEntity, schema.name, schema.state, mapping))
      })
      const schemaResults = await catalog.upsertEntities(schemaUpserts, userName)
      count('databaseSchema', schemaResults)
      const tableUpserts = database.schemas.flatMap((schema, i) => {
        const schemaEntity = (schemaResults[i] as WriteResult).entity
        return schema.tables.map((table) => {
          const fqn = buildFqn([service.name, database.name, schema.name, table.name])
          seen.add(fqn)
          columns += table.columns.length
          return upsert('table', fqn, service.name, dbFqn, schemaEntity.fullyQualifiedName as string, (cur) => nextTable(cur, dbEntity, schemaEntity, table, mapping))
        })
      })
      count('table', await catalog.upsertEntities(tableUpserts, userName))
    }
    const gone = (await catalog.entityKeys(service.name)).filter((k) => !k.deleted && !seen.has(k.fqn))
    expected += gone.length
    progress.grow(gone.length)
    // Children first, so a consumer never sees a live table under a deleted schema.
    const order: CatalogEntityType[] = ['table', 'databaseSchema', 'database']
    for (const type of order) {
      const results = await catalog.upsertEntities(gone.filter((k) => k.entityType === type).map((k) => upsert(type, k.fqn, service.name, null, null, deletedEntity)), userName)
      count(type, results)
    }
  } catch (error) {
    // What a failed service will not write is done all the same, so the count reaches its total.
    progress.advance(expected - written)
    return { service: service.name, entities, columns, unmatchedOwners: [...unmatched].sort(), error: errorReport(toRevmetaError(error)) }
  }
  return { service: service.name, entities, columns, unmatchedOwners: [...unmatched].sort() }
}

async function readService(service: ServiceConfig): Promise<SourceDatabase[]> {
  const connector = await loadConnector(service.type)
  if (connector === undefined) throw new RevmetaError('CONFIG_INVALID', `Unknown connector ${JSON.stringify(service.type)} for service ${service.name}`)
  const dialect = connector.createDialect(service.connection)
  const client = await connector.createClient(service.connection, { service: service.name, dialect })
  try {
    return await readSource(client, service.name, service.type)
  } finally {
    await client.close().catch(() => {})
  }
}

/**
 * Engine owners map back to catalog owners through the service's own owner mapping (the one
 * revmeta pushes owners with): a catalog user or team whose principal is the engine owner stands
 * for it, users before teams. With the default mapping that is the user or team of that name.
 */
async function sourceMapping(service: ServiceConfig, catalog: CatalogService, unmatched: Set<string>): Promise<SourceMapping> {
  const byPrincipal = new Map<string, OmEntityReference>()
  for (const { type, row } of await catalog.directory.principals()) {
    let principal: string
    try {
      principal = mapOwner({ type, name: row.name, ...(row.email ? { email: row.email } : {}) }, service.owners)
    } catch {
      continue
    }
    if (!byPrincipal.has(principal)) byPrincipal.set(principal, principalRef(type, row))
  }
  const knownTags = await catalog.directory.tagNames()
  return {
    service: service.name,
    serviceType: serviceTypeOf(service.type),
    owners: (principal) => {
      if (!principal) return []
      const ref = byPrincipal.get(principal)
      if (ref === undefined) unmatched.add(principal)
      return ref === undefined ? [] : [ref]
    },
    tags: (tags: ObjectState['tags']) => {
      const out: OmTagLabel[] = []
      for (const { key, value } of tags ?? []) {
        const fqn = buildFqn([key, value])
        const name = knownTags.get(fqn)
        if (name !== undefined && !out.some((t) => t.tagFQN === fqn)) out.push(tagLabel({ tagFQN: fqn, name, labelType: 'Automated' }))
      }
      return out
    },
  }
}

function upsert(type: CatalogEntityType, fqn: string, service: string, databaseFqn: string | null, parentFqn: string | null, build: (current: EntityJson | undefined) => EntityJson | undefined): EntityUpsert {
  return { type, fqn, service, databaseFqn, parentFqn, build }
}

function emptyCounts(): Record<CatalogEntityType, OutcomeCounts> {
  const counts = (): OutcomeCounts => ({ created: 0, updated: 0, unchanged: 0, deleted: 0, restored: 0 })
  return { database: counts(), databaseSchema: counts(), table: counts() }
}
