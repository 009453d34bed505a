import { z } from 'zod'

/** A whole number, also accepted as digits in a string: `${PORT}` from the environment arrives as text. */
export function intField(min: number, max = 2_147_483_647) {
  return z.preprocess((value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value), z.number().int().min(min).max(max))
}

/** true/false, also as the strings 'true'/'false' for the same reason. */
const boolField = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])

/** The TLS options pg passes on to Node's tls.connect that a configuration can sensibly hold. */
const sslOptions = z.strictObject({
  rejectUnauthorized: boolField.optional(),
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  servername: z.string().optional(),
})

/** Builds the connection schema of a PostgreSQL-protocol engine with its own defaults. */
export function postgresProtocolConnectionSchema(defaults: { port: number; database: string }) {
  return z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: intField(1, 65_535).default(defaults.port),
      user: z.string().min(1).default('postgres'),
      password: z.string().optional(),
      /** Read at every connect, so a rotated secret is picked up without a restart. */
      passwordFile: z.string().min(1).optional(),
      /** The database to connect to when no asset names one. */
      database: z.string().min(1).default(defaults.database),
      ssl: z.union([boolField, sslOptions]).optional(),
      lockTimeoutMs: intField(0).default(5_000),
      /** Bound on opening a connection, TLS and authentication included (pg connectionTimeoutMillis); 0: none. */
      connectTimeoutMs: intField(0).default(10_000),
      /** Server-side bound on one round trip of statements (statement_timeout, sent at connect); 0: none. */
      statementTimeoutMs: intField(0).default(60_000),
      /**
       * Client-side bound on waiting for the answer to one round trip (pg query_timeout): what ends
       * the wait when the network goes silent and the server can no longer say anything. The
       * connection is then discarded and the batch retried. 0: none.
       */
      queryTimeoutMs: intField(0).default(90_000),
      /** An unused connection is closed after this long; TCP keep-alive probes start after it too. */
      idleTimeoutMs: intField(1).default(30_000),
      /** Statements sent per round trip. */
      batchSize: intField(1, 100_000).default(200),
      applicationName: z.string().max(63).default('revmeta'),
    })
    .refine((connection) => connection.password === undefined || connection.passwordFile === undefined, {
      message: 'give password or passwordFile, not both',
      path: ['passwordFile'],
    })
}

export const postgresConnectionSchema = postgresProtocolConnectionSchema({ port: 5432, database: 'postgres' })

export type PostgresConnection = z.output<typeof postgresConnectionSchema>
