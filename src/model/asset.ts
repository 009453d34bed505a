/** The four levels of a relational asset that carry reverse metadata. */
export const levels = ['database', 'schema', 'table', 'column'] as const
export type Level = (typeof levels)[number]

/**
 * One asset as the catalog names it: service, database, schema, table, column.
 * Parts below `level` are absent. Names are raw (unquoted), exactly as in the source.
 */
export interface AssetRef {
  readonly level: Level
  readonly service: string
  readonly database: string
  readonly schema?: string
  readonly table?: string
  readonly column?: string
  /**
   * A field inside a nested (struct) column, outermost first: `customer.address.city` is column
   * `customer`, path `['address', 'city']`. Absent for a top-level column and above.
   */
  readonly path?: readonly string[]
  /**
   * The column as the input spelled it, split at every unquoted dot, when that spelling has
   * several readings (a dotted column name, or a nested path): column/path then hold the default
   * reading until the table's real columns resolve it (model/column-readings.ts).
   */
  readonly spelling?: readonly string[]
  /**
   * The name is the catalog's own, read from its column tree (batch sync): a top-level column is
   * that column, never a struct field's leaf name sent alone (newer OpenMetadata's spelling).
   */
  readonly exact?: true
}

/** The parts of an asset's name in order, service first. */
export function assetParts(asset: AssetRef): string[] {
  const parts = [asset.service, asset.database]
  if (asset.schema !== undefined) parts.push(asset.schema)
  if (asset.table !== undefined) parts.push(asset.table)
  if (asset.column !== undefined) parts.push(asset.column)
  if (asset.path !== undefined) parts.push(...asset.path)
  return parts
}

/** The asset one level up: column → table → schema → database. */
export function parentAsset(asset: AssetRef): AssetRef | undefined {
  switch (asset.level) {
    case 'column':
      return { level: 'table', service: asset.service, database: asset.database, schema: asset.schema, table: asset.table }
    case 'table':
      return { level: 'schema', service: asset.service, database: asset.database, schema: asset.schema }
    case 'schema':
      return { level: 'database', service: asset.service, database: asset.database }
    case 'database':
      return undefined
  }
}
