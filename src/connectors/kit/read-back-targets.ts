import type { AssetRef } from '../../model/asset.js'

/**
 * The schemas each database's read-back must cover, by database name: every engine with
 * databases and schemas reads back one database at a time, narrowed to the schemas asked for.
 */
export function groupReadBackTargets(assets: readonly AssetRef[]): Map<string, Set<string>> {
  const byDatabase = new Map<string, Set<string>>()
  for (const asset of assets) {
    let schemas = byDatabase.get(asset.database)
    if (schemas === undefined) byDatabase.set(asset.database, (schemas = new Set()))
    if (asset.schema !== undefined) schemas.add(asset.schema)
  }
  return byDatabase
}
