import { RevmetaError } from '../errors/revmeta-error.js'
import type { SqlRunner } from './sql-runner.js'
import { SqlStateStore } from './sql-state-store.js'
import type { StateStore } from './state-store.js'

/**
 * The runner and schema of a SQL state store (PostgreSQL or the embedded SQLite store), for the
 * classes that keep their own tables beside the queue; INTERNAL for any other store.
 */
export function sqlParts(store: StateStore, what: string): { runner: SqlRunner; schema: string } {
  if (!(store instanceof SqlStateStore)) throw new RevmetaError('INTERNAL', `${what} live in the SQL state store (PostgreSQL or the embedded SQLite store); this store is neither.`)
  return { runner: store.sqlRunner, schema: store.schema }
}
