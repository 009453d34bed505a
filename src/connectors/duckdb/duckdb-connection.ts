import { z } from 'zod'
import { withRole } from '../../fields/field-roles.js'
import { batchSizeField, boolField, intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { fileField } from '../kit/connection-fields.js'

export const duckdbConnectionSchema = z
  .strictObject({
    /**
     * The database file; its name without extension becomes the catalog (the FQN's database
     * part). ':memory:' (the default) is an empty database named `memory`, gone at close.
     * The parent directory of a new file is created.
     */
    path: withRole(z.string().min(1), 'file').default(':memory:'),
    /** SQL file run once, when the database file is new (always, in memory): how tests and the demo seed it. */
    initSql: fileField(),
    /** Opens the file read-only: reading back works, every write fails PRIVILEGE. */
    readOnly: boolField.default(false),
    /** DuckDB's worker threads; absent leaves DuckDB's default (one per core). */
    threads: intField(1, 4_096).optional(),
    /**
     * DuckDB never waits for a lock: one process holds a file for writing, and another process
     * opening it fails at once ("Could not set lock on file"). This is how long opening retries
     * while another process holds the file; once it is over, the service fails CONNECTION_FAILED
     * (retryable). Statements themselves never wait.
     */
    lockTimeoutMs: lockTimeoutMsField,
    /** Statements sent per call (one transaction each). */
    batchSize: batchSizeField,
  })
  .refine((connection) => !(connection.readOnly && isMemoryPath(connection.path)), {
    message: 'an in-memory database cannot be opened read-only',
    path: ['readOnly'],
  })

export type DuckdbConnection = z.output<typeof duckdbConnectionSchema>

/** DuckDB's in-memory paths: ':memory:' and its named form ':memory:name'. */
export function isMemoryPath(path: string): boolean {
  return path.startsWith(':memory:')
}
