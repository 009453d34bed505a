import { KnownSecrets } from '../kit/known-secrets.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { executeSqlBatches } from '../kit/sql-batch.js'
import type { PostgresConnection } from './postgres-connection.js'
import type { PrivilegeNeed, PrivilegeReport } from '../connector.js'
import { postgresPrivilegeFindings, type PrivilegeIdentityRow, type PrivilegeObjectRow } from './postgres-privileges.js'
import { classifyPostgresError } from './postgres-errors.js'
import {
  addDatabaseRows,
  addObjectRows,
  postgresQueries,
  type DatabaseRow,
  type ObjectRow,
  type PostgresProtocolQueries,
  type SchemaNameRow,
} from './postgres-read-back.js'

export type { PostgresProtocolQueries } from './postgres-read-back.js'

type PoolClass = new (config: PoolConfig) => Pool

/** Loads `pg` now (not when the connector module is imported) and returns a client for one service. */
export async function createPostgresClient(
  connection: PostgresConnection,
  context: ClientContext,
  queries: PostgresProtocolQueries = postgresQueries,
): Promise<ConnectorClient> {
  const { Pool } = await import('pg')
  return new PostgresClient(Pool, connection, context, queries)
}

/**
 * One single-connection pool per database: database-level statements (and Redshift's
 * current-database-only comments) must run on a connection to that very database, and one
 * connection per database keeps the load on the server predictable.
 */
class PostgresClient implements ConnectorClient {
  private readonly pools = new Map<string, Pool>()
  /** Connections that already ran the session setup; the pool may replace a connection at any time. */
  private readonly prepared = new WeakSet<PoolClient>()
  private readonly secrets: KnownSecrets
  private readonly setup: readonly string[]
  private closed = false

  constructor(
    private readonly PoolImpl: PoolClass,
    private readonly connection: PostgresConnection,
    private readonly context: ClientContext,
    private readonly queries: PostgresProtocolQueries,
  ) {
    this.secrets = new KnownSecrets(connection.password)
    this.setup = context.dialect.sessionSetup({ lockTimeoutMs: connection.lockTimeoutMs })
  }

  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    if (units.every((unit) => unit.length === 0)) return units.map(() => ({ ok: true }))
    let client: PoolClient
    try {
      client = await this.acquire(database)
    } catch (error) {
      const coded = this.classify(error, 'connect', database)
      return units.map(() => ({ ok: false, error: coded }))
    }
    let broken = false
    try {
      return await executeSqlBatches(units, {
        database,
        batchSize: this.connection.batchSize,
        runScript: async (sql) => {
          await client.query(sql)
        },
        classify: (error) => {
          const coded = this.classify(error, 'query', database)
          if (coded.code === 'CONNECTION_FAILED') broken = true
          return coded
        },
      })
    } finally {
      client.release(broken)
    }
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    const groups = groupReadBackTargets(assets)
    await Promise.all([...groups].map(([database, schemas]) => this.readDatabase(snapshot, database, [...schemas])))
    return snapshot
  }

  /** Only the configured database: the catalog's PostgreSQL service is one database. */
  async listDatabases(): Promise<string[]> {
    return [this.connection.database]
  }

  /** Schemas live per database, so they are listed on a connection to `database` itself. */
  async listSchemas(database: string): Promise<string[]> {
    const rows = await this.query<SchemaNameRow>(database, this.queries.schemaListSql)
    return rows === undefined ? [] : rows.map((row) => row.schema_name)
  }

  /** `revmeta check`: two catalog queries on the configured database; the findings are worked out in postgres-privileges.ts. */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    const { privileges } = this.queries
    const database = this.connection.database
    const found = await this.onDatabase(database, async (client) => {
      const identity = (await client.query<PrivilegeIdentityRow>(privileges.identitySql)).rows[0]
      const objects = (await client.query<PrivilegeObjectRow>(privileges.objectsSql)).rows
      return { identity, objects }
    })
    if (found?.identity === undefined) throw new RevmetaError('DATABASE_UNREACHABLE', `Database ${JSON.stringify(database)} does not exist on ${this.connection.host}:${this.connection.port}`, { details: { database } })
    return postgresPrivilegeFindings(needs, found.identity, found.objects, privileges, (name) => this.context.dialect.quoteIdentifier(name))
  }

  async close(): Promise<void> {
    this.closed = true
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.allSettled(pools.map((pool) => pool.end()))
  }

  private async readDatabase(into: Map<string, ObjectState>, database: string, schemas: string[]): Promise<void> {
    // A database that does not exist holds no objects: its keys stay absent from the snapshot.
    await this.onDatabase(database, async (client) => {
      const own = this.queries.databaseReadBack(database)
      const databases = await client.query<DatabaseRow>(own.text, [...own.values])
      addDatabaseRows(into, this.context.service, databases.rows)
      if (schemas.length === 0) return
      for (const query of this.queries.schemaReadBack(schemas)) {
        const objects = await client.query<ObjectRow>(query.text, [...query.values])
        addObjectRows(into, this.context.service, database, objects.rows)
      }
    })
  }

  /** One query on a connection to `database`; undefined when that database does not exist, as in readBack. */
  private query<R extends QueryResultRow>(database: string, sql: string): Promise<R[] | undefined> {
    return this.onDatabase(database, async (client) => (await client.query<R>(sql)).rows)
  }

  /**
   * Runs `fn` on a connection to `database`, errors coded; undefined when the database does not
   * exist. A connection lost meanwhile is dropped from the pool, not reused.
   */
  private async onDatabase<T>(database: string, fn: (client: PoolClient) => Promise<T>): Promise<T | undefined> {
    let client: PoolClient
    try {
      client = await this.acquire(database)
    } catch (error) {
      const coded = this.classify(error, 'connect', database)
      if (coded.details.sqlstate === '3D000') return undefined
      throw coded
    }
    let broken = false
    try {
      return await fn(client)
    } catch (error) {
      const coded = this.classify(error, 'query', database)
      broken = coded.code === 'CONNECTION_FAILED'
      throw coded
    } finally {
      client.release(broken)
    }
  }

  private async acquire(database: string): Promise<PoolClient> {
    const client = await this.pool(database).connect()
    if (this.prepared.has(client)) return client
    // A checked-out client has no 'error' listener of the pool's: a connection reset while it is
    // in use would be an unhandled 'error' event and crash the process. The query in flight
    // rejects with the same error, which is where it is classified.
    client.on('error', () => {})
    try {
      for (const sql of this.setup) await client.query(sql)
    } catch (error) {
      client.release(true)
      throw error
    }
    this.prepared.add(client)
    return client
  }

  private pool(database: string): Pool {
    if (this.closed) throw new RevmetaError('INTERNAL', `The ${this.context.dialect.name} client of service ${JSON.stringify(this.context.service)} is already closed`)
    let pool = this.pools.get(database)
    if (pool !== undefined) return pool
    const { connection } = this
    const passwordFile = connection.passwordFile
    pool = new this.PoolImpl({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      database,
      password: passwordFile !== undefined ? () => this.secrets.readPasswordFile(passwordFile) : connection.password,
      ssl: connection.ssl,
      application_name: connection.applicationName,
      connectionTimeoutMillis: connection.connectTimeoutMs,
      ...(connection.statementTimeoutMs > 0 ? { statement_timeout: connection.statementTimeoutMs } : {}),
      ...(connection.queryTimeoutMs > 0 ? { query_timeout: connection.queryTimeoutMs } : {}),
      keepAlive: true,
      keepAliveInitialDelayMillis: connection.idleTimeoutMs,
      max: 1,
      idleTimeoutMillis: connection.idleTimeoutMs,
      // A CLI run that forgets close() still exits once the work is done.
      allowExitOnIdle: true,
    })
    // An idle connection killed by the server must not crash the process; the pool replaces it.
    pool.on('error', () => {})
    this.pools.set(database, pool)
    return pool
  }

  private classify(error: unknown, phase: 'connect' | 'query', database: string): RevmetaError {
    return classifyPostgresError(error, {
      engine: this.context.dialect.name,
      phase,
      database,
      host: this.connection.host,
      port: this.connection.port,
      secrets: this.secrets.list,
    })
  }
}
