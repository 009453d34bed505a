import { z } from 'zod'
import { batchSizeField, lockTimeoutMsField } from '../kit/config-fields.js'
import { fileField } from '../kit/connection-fields.js'

export const pgliteConnectionSchema = z.strictObject({
  /** Directory of the database files; absent (or memory://) keeps everything in memory. */
  dataDir: fileField(),
  /** SQL file run once, when the database is new: how tests and the demo seed it. */
  initSql: fileField(),
  /** The one database PGlite serves; statements for any other database fail DATABASE_UNREACHABLE. */
  database: z.string().min(1).default('postgres'),
  lockTimeoutMs: lockTimeoutMsField,
  batchSize: batchSizeField,
})

export type PgliteConnection = z.output<typeof pgliteConnectionSchema>
