import type { ConnectorClient, ObjectState } from '../connectors/connector.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from '../model/asset.js'
import { parseFqn } from '../model/fqn.js'

export interface SourceColumn {
  readonly name: string
  readonly state: ObjectState
}

export interface SourceTable {
  readonly name: string
  readonly state: ObjectState
  /** By name, in byte order: read-back gives no ordinal position. */
  readonly columns: readonly SourceColumn[]
}

export interface SourceSchema {
  readonly name: string
  readonly state?: ObjectState
  readonly tables: readonly SourceTable[]
}

export interface SourceDatabase {
  readonly name: string
  readonly state?: ObjectState
  readonly schemas: readonly SourceSchema[]
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/**
 * Everything a service holds, as the connector reads it: its catalog databases, their schemas
 * (system ones left out by the connector), and every table, view and column of those schemas
 * with its description, owner and tags, from one read-back per database.
 */
export async function readSource(client: ConnectorClient, service: string, engine: string): Promise<SourceDatabase[]> {
  if (client.listDatabases === undefined || client.listSchemas === undefined) {
    throw new RevmetaError('UNSUPPORTED', `The ${engine} connector cannot list databases and schemas (listDatabases / listSchemas), so service ${JSON.stringify(service)} cannot be ingested`, {
      details: { service, engine },
    })
  }
  const out: SourceDatabase[] = []
  for (const database of await client.listDatabases()) {
    const schemas = await client.listSchemas(database)
    const assets: AssetRef[] = [{ level: 'database', service, database }, ...schemas.map((schema): AssetRef => ({ level: 'schema', service, database, schema }))]
    const snapshot = await client.readBack(assets)
    out.push(assemble(database, new Set(schemas), snapshot))
  }
  return out
}

/** Files snapshot entries (keyed by FQN) under their schema and table; objects outside the listed schemas are left out. */
export function assemble(database: string, schemas: ReadonlySet<string>, snapshot: ReadonlyMap<string, ObjectState>): SourceDatabase {
  let databaseState: ObjectState | undefined
  const schemaStates = new Map<string, ObjectState>()
  const tables = new Map<string, { schema: string; name: string; state?: ObjectState; columns: SourceColumn[] }>()
  const tableEntry = (schema: string, name: string) => {
    const key = `${schema}\u0000${name}`
    let entry = tables.get(key)
    if (entry === undefined) tables.set(key, (entry = { schema, name, columns: [] }))
    return entry
  }
  for (const [fqn, state] of snapshot) {
    const parts = parseFqn(fqn)
    if (parts[1] !== database) continue
    const [, , schema, table, column] = parts
    if (parts.length === 2) databaseState = state
    if (schema === undefined || !schemas.has(schema)) continue
    if (parts.length === 3) schemaStates.set(schema, state)
    else if (parts.length === 4 && table !== undefined) tableEntry(schema, table).state = state
    else if (parts.length === 5 && table !== undefined && column !== undefined) tableEntry(schema, table).columns.push({ name: column, state })
  }
  const schemaList: SourceSchema[] = [...schemas].sort().map((name) => {
    const state = schemaStates.get(name)
    const own = [...tables.values()]
      .filter((t) => t.schema === name && t.state !== undefined)
      .map((t): SourceTable => ({ name: t.name, state: t.state as ObjectState, columns: [...t.columns].sort(byName) }))
      .sort(byName)
    return state === undefined ? { name, tables: own } : { name, state, tables: own }
  })
  return databaseState === undefined ? { name: database, schemas: schemaList } : { name: database, state: databaseState, schemas: schemaList }
}
