import type { AssetRef } from '../../model/asset.js'

/** The one endpoint BigQuery statements go to: the client maps it to `apiEndpoint`. */
export const bigqueryEndpoint = 'bigquery'

const part = (text: string) => encodeURIComponent(text)

/** `datasets.get` / `datasets.patch`: the catalog's database is the project, its schema the dataset. */
export const datasetPath = (project: string, dataset: string) => `/bigquery/v2/projects/${part(project)}/datasets/${part(dataset)}`

/** `tables.get` / `tables.patch`, for tables, views and materialized views alike. */
export const tablePath = (project: string, dataset: string, table: string) => `${datasetPath(project, dataset)}/tables/${part(table)}`

/** The REST path of the dataset or table an asset sits in (columns: their table). */
export function resourcePath(asset: AssetRef): string {
  return asset.table === undefined ? datasetPath(asset.database, asset.schema!) : tablePath(asset.database, asset.schema!, asset.table)
}

/** Parses a path this connector rendered back into its parts; undefined for any other path. */
export function parseResourcePath(path: string): { project: string; dataset: string; table?: string } | undefined {
  const m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)(?:\/tables\/([^/]+))?$/.exec(path)
  if (!m) return undefined
  const [, project, dataset, table] = m.map((p) => (p === undefined ? undefined : decodeURIComponent(p)))
  return table === undefined ? { project: project!, dataset: dataset! } : { project: project!, dataset: dataset!, table }
}
