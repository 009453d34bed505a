import type { ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import type { AssetRef } from '../../src/model/asset.js'

/** What ingestion sees: each catalog database, its schemas, then one read-back of those schemas. */
export async function walkInventory(client: ConnectorClient, service: string): Promise<Record<string, ObjectState>> {
  if (client.listDatabases === undefined || client.listSchemas === undefined) throw new Error('The client cannot list databases and schemas')
  const found: Record<string, ObjectState> = {}
  for (const database of await client.listDatabases()) {
    const schemas = await client.listSchemas(database)
    const snapshot = await client.readBack(schemas.map((schema): AssetRef => ({ level: 'schema', service, database, schema })))
    for (const [key, state] of snapshot) found[key] = state
  }
  return found
}
