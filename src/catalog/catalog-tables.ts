import type { SqlCastType, SqlDialect } from '../store/sql-runner.js'

/**
 * The built-in catalog's tables (PostgreSQL migration 0003, SQLite baseline 0010), qualified for
 * the store's database, and the one dialect difference its SQL needs: typing a parameter that
 * PostgreSQL cannot infer (`$n IS NULL`).
 */
export interface CatalogTables {
  readonly entities: string
  readonly users: string
  readonly teams: string
  readonly members: string
  readonly classifications: string
  readonly tags: string
  readonly events: string
  readonly subscriptions: string
  readonly cast: (expr: string, type: SqlCastType) => string
}

export function catalogTables(dialect: SqlDialect, schema: string): CatalogTables {
  const s = dialect.tables(schema)
  return {
    entities: `${s}.catalog_entities`,
    users: `${s}.catalog_users`,
    teams: `${s}.catalog_teams`,
    members: `${s}.catalog_team_members`,
    classifications: `${s}.catalog_classifications`,
    tags: `${s}.catalog_tags`,
    events: `${s}.catalog_events`,
    subscriptions: `${s}.catalog_subscriptions`,
    cast: (expr, type) => dialect.cast(expr, type),
  }
}
