import { quoteIdent } from '../store/migrate.js'

/** The built-in catalog's tables (migration 0003), qualified with the store's schema. */
export interface CatalogTables {
  readonly entities: string
  readonly users: string
  readonly teams: string
  readonly members: string
  readonly classifications: string
  readonly tags: string
  readonly events: string
  readonly subscriptions: string
}

export function catalogTables(schema: string): CatalogTables {
  const s = quoteIdent(schema)
  return {
    entities: `${s}.catalog_entities`,
    users: `${s}.catalog_users`,
    teams: `${s}.catalog_teams`,
    members: `${s}.catalog_team_members`,
    classifications: `${s}.catalog_classifications`,
    tags: `${s}.catalog_tags`,
    events: `${s}.catalog_events`,
    subscriptions: `${s}.catalog_subscriptions`,
  }
}
