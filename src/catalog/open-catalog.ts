import { RevmetaError } from '../errors/revmeta-error.js'
import { SqlStateStore } from '../store/sql-state-store.js'
import type { StateStore } from '../store/state-store.js'
import { CatalogService, type CatalogOptions } from './catalog-service.js'

/**
 * The built-in catalog inside an open state store: same connection, same schema (PostgreSQL migration 0003, SQLite baseline 0010
 * made its tables). Closing the catalog stops its deliveries; the store stays with its owner.
 */
export function openCatalog(store: StateStore, options: CatalogOptions = {}): CatalogService {
  if (!(store instanceof SqlStateStore)) {
    throw new RevmetaError('INTERNAL', 'The built-in catalog lives in the SQL state store (PostgreSQL or the embedded SQLite); this store is neither.')
  }
  return new CatalogService(store.sqlRunner, store.schema, options)
}
