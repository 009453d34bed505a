import { z } from 'zod'
import { batchSizeField, intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { onePassword, serverFields } from '../kit/connection-fields.js'
import { sslField } from '../kit/tls-options.js'

/**
 * The `connection:` block of a MySQL or MariaDB service. No database is named: the catalog's
 * schemas are the server's databases, and every statement names its own.
 */
export const mysqlConnectionSchema = onePassword(
  z.strictObject({
    // passwordFile is read when the pool is created, and again after the server refuses it, so a rotated secret is picked up.
    ...serverFields({ port: 3306, user: 'root' }),
    /** true: TLS with the system's trusted CAs; an object: the TLS options themselves. */
    ssl: sslField,
    /** Bounds the wait for a metadata lock (lock_wait_timeout, whole seconds, rounded up); 0: no limit. */
    lockTimeoutMs: lockTimeoutMsField,
    /** Bound on opening a connection (mysql2 connectTimeout); 0 leaves the driver's default (10 s). */
    connectTimeoutMs: intField(0).default(10_000),
    /**
     * Client-side bound on one round trip (mysql2's query timeout): what ends the wait when the
     * network goes silent. The connection is then destroyed, never reused, and the batch retried. 0: none.
     */
    queryTimeoutMs: intField(0).default(90_000),
    /** An unused pooled connection is closed after this long; TCP keep-alive probes start after it too. */
    idleTimeoutMs: intField(1).default(30_000),
    /** Statements sent per round trip. */
    batchSize: batchSizeField,
    /**
     * Forces the session's sql_mode. Without it, revmeta follows the server's: literals are escaped
     * for whatever mode the first session has, and every later session is held to that same mode.
     */
    sqlMode: z
      .string()
      .regex(/^[A-Za-z0-9_, ]*$/, 'sql_mode is a comma-separated list of mode names')
      .transform((mode) => mode.replaceAll(' ', '').toUpperCase())
      .optional(),
  }),
)

export type MysqlConnection = z.output<typeof mysqlConnectionSchema>
