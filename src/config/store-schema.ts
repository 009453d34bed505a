import path from 'node:path'
import { z } from 'zod'

/**
 * The `store` section of the configuration, on its own so that commands that only read the store
 * (`revmeta runs`) validate it without loading the rest of the configuration's schema.
 * Where durable state lives: PostgreSQL at `url`, else an embedded store under `dir`.
 */
export const storeSchema = z
  .strictObject({
    url: z.string().optional(),
    dir: z.string().default('.revmeta/store'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('revmeta'),
    /** PostgreSQL store only: bound on opening a connection. */
    connectTimeoutMs: z.number().int().nonnegative().default(10_000),
    /** PostgreSQL store only: server-side statement_timeout; 0: none. */
    statementTimeoutMs: z.number().int().nonnegative().default(60_000),
    /** PostgreSQL store only: client-side wait for one answer, what ends a wait on a silent network; 0: none. */
    queryTimeoutMs: z.number().int().nonnegative().default(90_000),
    /** PostgreSQL store only: an unused connection is closed after this long. */
    idleTimeoutMs: z.number().int().positive().default(30_000),
  })
  .prefault({})

export type StoreSettings = z.infer<typeof storeSchema>

/** The embedded store's directory resolved against the config file's, as every command opens it. */
export function resolveStoreDir(store: StoreSettings, baseDir: string): StoreSettings {
  return store.url === undefined ? { ...store, dir: path.resolve(baseDir, store.dir) } : store
}
