import type { ObjectTarget, ObjectType } from '../../src/connectors/connector.js'
import type { AssetRef } from '../../src/model/asset.js'

/** An asset's parts below the service and database, which the builders fill in. */
export type AssetParts = Partial<AssetRef> & Pick<AssetRef, 'level'>

export interface TargetBuilders {
  /** An asset in the builders' service and database, unless `parts` says otherwise. */
  asset(parts: AssetParts): AssetRef
  target(asset: AssetRef, objectType: ObjectType): ObjectTarget
  /** The database itself. */
  database(): ObjectTarget
  schema(schema?: string): ObjectTarget
  rel(table: string, objectType?: ObjectType, schema?: string): ObjectTarget
  col(table: string, column: string, schema?: string): ObjectTarget
}

/** Builders for targets in one service and database; schema defaults to `sales`. */
export function targetBuilders(defaults: { service: string; database: string }): TargetBuilders {
  const asset = (parts: AssetParts): AssetRef => ({ service: defaults.service, database: defaults.database, ...parts })
  const target = (a: AssetRef, objectType: ObjectType): ObjectTarget => ({ asset: a, objectType })
  return {
    asset,
    target,
    database: () => target(asset({ level: 'database' }), 'database'),
    schema: (schema = 'sales') => target(asset({ level: 'schema', schema }), 'schema'),
    rel: (table, objectType = 'table', schema = 'sales') => target(asset({ level: 'table', schema, table }), objectType),
    col: (table, column, schema = 'sales') => target(asset({ level: 'column', schema, table, column }), 'column'),
  }
}

/** The fixed targets the dialect golden tests render: the database, `sales`, `sales.orders` and `sales.orders.id`. */
export function salesTargets(defaults: { service: string; database: string }) {
  const builders = targetBuilders(defaults)
  return {
    asset: builders.asset,
    target: builders.target,
    database: builders.database(),
    schema: builders.schema('sales'),
    relation: (objectType: ObjectType): ObjectTarget => builders.rel('orders', objectType),
    column: builders.col('orders', 'id'),
  }
}
