/**
 * A refusal of the built-in catalog, carrying the HTTP status OpenMetadata would answer with, so
 * the routes can reply in OpenMetadata's `{ code, message }` shape and in-process callers (ingest,
 * tests) get the same message.
 */
export class CatalogError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409,
    message: string,
  ) {
    super(message)
    this.name = 'CatalogError'
  }
}

export const badRequest = (message: string): CatalogError => new CatalogError(400, message)

/** OpenMetadata's wording: "table instance for svc.db.sch.t not found". */
export const notFound = (entityType: string, key: string): CatalogError => new CatalogError(404, `${entityType} instance for ${key} not found`)

export function isCatalogError(value: unknown): value is CatalogError {
  return value instanceof CatalogError
}
