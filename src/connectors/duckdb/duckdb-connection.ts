import { z } from 'zod'
import { intField } from '../postgres/postgres-connection.js'

/** true/false, also as the strings 'true'/'false': `${READ_ONLY}` from the environment arrives as text. */
const boolField = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])

export const duckdbConnectionSchema = z
  .strictObject({
    /**
     * The database file; its name without extension becomes the catalog (the FQN's database
     * part). ':memory:' (the default) is an empty database named `memory`, gone at close.
     * The parent directory of a new file is created.
     */
    path: z.string().min(1).default(':memory:'),
    /** SQL file run once, when the database file is new (always, in memory): how tests and the demo seed it. */
    initSql: z.string().min(1).optional(),
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
    lockTimeoutMs: intField(0).default(5_000),
    /** Statements sent per call (one transaction each). */
    batchSize: intField(1, 100_000).default(200),
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
