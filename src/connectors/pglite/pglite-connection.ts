import { z } from 'zod'
import { intField } from '../postgres/postgres-connection.js'

export const pgliteConnectionSchema = z.strictObject({
  /** Directory of the database files; absent (or memory://) keeps everything in memory. */
  dataDir: z.string().min(1).optional(),
  /** SQL file run once, when the database is new: how tests and the demo seed it. */
  initSql: z.string().min(1).optional(),
  /** The one database PGlite serves; statements for any other database fail DATABASE_UNREACHABLE. */
  database: z.string().min(1).default('postgres'),
  lockTimeoutMs: intField(0).default(5_000),
  batchSize: intField(1, 100_000).default(200),
})

export type PgliteConnection = z.output<typeof pgliteConnectionSchema>
