import { z } from 'zod'
import { intField } from '../postgres/postgres-connection.js'

/** true/false, also as the strings 'true'/'false': `${TLS}` from the environment arrives as text. */
const boolField = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])

/** The TLS options mysql2 passes on to Node's tls.connect that a configuration can sensibly hold. */
const sslOptions = z.strictObject({
  rejectUnauthorized: boolField.optional(),
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  servername: z.string().optional(),
})

/**
 * The `connection:` block of a MySQL or MariaDB service. No database is named: the catalog's
 * schemas are the server's databases, and every statement names its own.
 */
export const mysqlConnectionSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: intField(1, 65_535).default(3306),
    user: z.string().min(1).default('root'),
    password: z.string().optional(),
    /** Read when the pool is created, and again after the server refuses it, so a rotated secret is picked up. */
    passwordFile: z.string().min(1).optional(),
    /** true: TLS with the system's trusted CAs; an object: the TLS options themselves. */
    ssl: z.union([boolField, sslOptions]).optional(),
    /** Bounds the wait for a metadata lock (lock_wait_timeout, whole seconds, rounded up); 0: no limit. */
    lockTimeoutMs: intField(0).default(5_000),
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
    batchSize: intField(1, 100_000).default(200),
    /**
     * Forces the session's sql_mode. Without it, revmeta follows the server's: literals are escaped
     * for whatever mode the first session has, and every later session is held to that same mode.
     */
    sqlMode: z
      .string()
      .regex(/^[A-Za-z0-9_, ]*$/, 'sql_mode is a comma-separated list of mode names')
      .transform((mode) => mode.replaceAll(' ', '').toUpperCase())
      .optional(),
  })
  .refine((connection) => connection.password === undefined || connection.passwordFile === undefined, {
    message: 'give password or passwordFile, not both',
    path: ['passwordFile'],
  })

export type MysqlConnection = z.output<typeof mysqlConnectionSchema>
