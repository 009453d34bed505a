import { z } from 'zod'
import { batchSizeField, intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { onePassword, serverFields } from '../kit/connection-fields.js'
import { sslField } from '../kit/tls-options.js'

/** Builds the connection schema of a PostgreSQL-protocol engine with its own defaults. */
export function postgresProtocolConnectionSchema(defaults: { port: number; database: string }) {
  return onePassword(
    z.strictObject({
      // passwordFile is read at every connect, so a rotated secret is picked up without a restart.
      ...serverFields({ port: defaults.port, user: 'postgres' }),
      /** The database to connect to when no asset names one. */
      database: z.string().min(1).default(defaults.database),
      ssl: sslField,
      lockTimeoutMs: lockTimeoutMsField,
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
      batchSize: batchSizeField,
      applicationName: z.string().max(63).default('revmeta'),
    }),
  )
}

export const postgresConnectionSchema = postgresProtocolConnectionSchema({ port: 5432, database: 'postgres' })

export type PostgresConnection = z.output<typeof postgresConnectionSchema>
