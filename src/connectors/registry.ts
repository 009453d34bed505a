import type { Connector } from './connector.js'

/** One line per engine. Each loader imports only the connector's folder; drivers load later still. */
const loaders: Record<string, () => Promise<Connector<any>>> = {
  postgres: async () => (await import('./postgres/index.js')).postgresConnector,
  redshift: async () => (await import('./redshift/index.js')).redshiftConnector,
  pglite: async () => (await import('./pglite/index.js')).pgliteConnector,
  mysql: async () => (await import('./mysql/index.js')).mysqlConnector,
  clickhouse: async () => (await import('./clickhouse/index.js')).clickhouseConnector,
  duckdb: async () => (await import('./duckdb/index.js')).duckdbConnector,
  snowflake: async () => (await import('./snowflake/index.js')).snowflakeConnector,
  databricks: async () => (await import('./databricks/index.js')).databricksConnector,
  'unity-catalog': async () => (await import('./unity-catalog/index.js')).unityCatalogConnector,
  athena: async () => (await import('./athena/index.js')).athenaConnector,
  bigquery: async () => (await import('./bigquery/index.js')).bigqueryConnector,
  mssql: async () => (await import('./mssql/index.js')).mssqlConnector,
  oracle: async () => (await import('./oracle/index.js')).oracleConnector,
}

export const connectorNames = Object.keys(loaders)

export async function loadConnector(name: string): Promise<Connector<any> | undefined> {
  const loader = loaders[name]
  return loader ? loader() : undefined
}
