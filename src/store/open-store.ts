import { RevmetaError } from '../errors/revmeta-error.js'
import { migrate } from './migrate.js'
import { openPgRunner } from './pg-runner.js'
import { openSqliteRunner } from './sqlite-runner.js'
import { refuseLegacyStore } from './legacy-store.js'
import type { SqlRunner } from './sql-runner.js'
import { SqlStateStore } from './sql-state-store.js'
import type { StateStore } from './state-store.js'

export interface StoreConfig {
  /** PostgreSQL connection URL; absent: the embedded SQLite store under `dir`. */
  readonly url?: string
  /** Directory of the embedded store (default ./.revmeta/store). */
  readonly dir?: string
  /** Schema that holds revmeta's tables, so the store can share a database (default revmeta). */
  readonly schema?: string
  /** Connections to PostgreSQL kept by this process (default 10). */
  readonly poolSize?: number
  /** Timeouts of a PostgreSQL store's connections (see PgRunnerOptions); the embedded store is in-process and has none. */
  readonly connectTimeoutMs?: number
  readonly statementTimeoutMs?: number
  readonly queryTimeoutMs?: number
  readonly idleTimeoutMs?: number
}

export const defaultStoreSchema = 'revmeta'
export const defaultStoreDir = './.revmeta/store'

/** Opens the configured store and migrates it to this revmeta's schema before handing it out. */
export async function openStore(config: StoreConfig = {}): Promise<StateStore> {
  const schema = config.schema ?? defaultStoreSchema
  // Interpolated into SQL (and into nextval's regclass text): only plain identifiers.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new RevmetaError('CONFIG_INVALID', `store.schema must be a plain SQL identifier (letters, digits, underscore), not ${JSON.stringify(schema)}.`, { details: { key: 'store.schema' } })
  }
  const runner: SqlRunner =
    config.url !== undefined
      ? await openPgRunner({
          url: config.url,
          ...(config.poolSize === undefined ? {} : { poolSize: config.poolSize }),
          ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
          ...(config.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: config.statementTimeoutMs }),
          ...(config.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: config.queryTimeoutMs }),
          ...(config.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: config.idleTimeoutMs }),
        })
      : await openEmbedded(config.dir ?? defaultStoreDir)
  try {
    await migrate(runner, schema)
  } catch (error) {
    await runner.close().catch(() => {})
    throw error
  }
  return new SqlStateStore(runner, schema)
}

/** The embedded store, after making sure the directory does not hold an older revmeta's PGlite store. */
async function openEmbedded(dir: string): Promise<SqlRunner> {
  await refuseLegacyStore(dir)
  return openSqliteRunner(dir)
}
