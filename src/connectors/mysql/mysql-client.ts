import { Socket } from 'node:net'
import { KnownSecrets } from '../kit/known-secrets.js'
import type { Pool, PoolConnection, PoolOptions, RowDataPacket } from 'mysql2/promise'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, PrivilegeNeed, PrivilegeReport, SessionFacts, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { executeMysqlBatches, unitMarker, type ScriptOutcome } from './mysql-batch.js'
import { mysqlAlterGrantsSql, mysqlIdentitySql, mysqlObjectsSql, mysqlPrivilegeFindings, type MysqlGrantRow, type MysqlIdentityRow, type MysqlObjectRow } from './mysql-privileges.js'
import type { MysqlConnection } from './mysql-connection.js'
import { columnDefinitions } from './mysql-create-table.js'
import { hasSchemaComments } from './mysql-dialect.js'
import { classifyMysqlError } from './mysql-errors.js'
import {
  buildSnapshot,
  catalogDatabaseLabel,
  columnsSql,
  objectTypeOfTable,
  planReadBack,
  schemaListSql,
  schemataSql,
  sessionFactsSql,
  setSqlModeSql,
  showCreateTableSql,
  tableKey,
  tablesSql,
  type ColumnRow,
  type SchemaRow,
  type SessionRow,
  type TableRow,
} from './mysql-read-back.js'
import { lexRulesFor } from './mysql-tokens.js'

type CreatePool = (config: PoolOptions) => Pool

/** The callback-style connection under a promise PoolConnection: only it reports each result of a script. */
interface CoreConnection extends NodeJS.EventEmitter {
  query(sql: string | { sql: string; timeout?: number }): NodeJS.EventEmitter
}

/** Loads `mysql2` now (not when the connector module is imported) and returns a client for one service. */
export async function createMysqlClient(connection: MysqlConnection, context: ClientContext): Promise<ConnectorClient> {
  const { createPool } = await import('mysql2/promise')
  return new MysqlClient(createPool, connection, context)
}

/**
 * One pool of one connection for the whole server: statements name their database, so no
 * connection is tied to one. Every connection runs the dialect's session setup and is held to
 * one sql_mode — the configured one, or else the first session's — so the escaping the dialect
 * chose from sessionFacts() and the SHOW CREATE TABLE text read back stay valid on every connection.
 */
class MysqlClient implements ConnectorClient {
  private pool: Pool | undefined
  private readonly prepared = new WeakSet<object>()
  private readonly watched = new WeakSet<Socket>()
  private readonly secrets: KnownSecrets
  private readonly setup: readonly string[]
  private sqlMode: string | undefined
  private version = ''
  private closed = false

  constructor(
    private readonly createPool: CreatePool,
    private readonly connection: MysqlConnection,
    private readonly context: ClientContext,
  ) {
    this.secrets = new KnownSecrets(connection.password)
    this.setup = context.dialect.sessionSetup({ lockTimeoutMs: connection.lockTimeoutMs })
  }

  async sessionFacts(): Promise<SessionFacts> {
    const conn = await this.acquire()
    this.release(conn, false)
    return { sqlMode: this.sqlMode ?? '', version: this.version }
  }

  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    if (units.every((unit) => unit.length === 0)) return units.map(() => ({ ok: true }))
    let conn: PoolConnection
    try {
      conn = await this.acquire()
    } catch (error) {
      const coded = this.classify(error, 'connect', database)
      return units.map(() => ({ ok: false, error: coded }))
    }
    let broken = false
    try {
      return await executeMysqlBatches(units, {
        database,
        batchSize: this.connection.batchSize,
        runScript: (sql) => runScript(conn.connection as unknown as CoreConnection, sql, this.timeout),
        classify: (error) => {
          const coded = this.classify(error, 'query', database)
          if (coded.code === 'CONNECTION_FAILED') broken = true
          return coded
        },
      })
    } finally {
      this.release(conn, broken)
    }
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const plan = planReadBack(assets)
    if (plan.schemas.length === 0) return new Map()
    return this.onConnection(async (conn) => {
      const schemas = [...plan.schemas]
      const [schemata] = await conn.execute<RowDataPacket[]>(this.bounded(schemataSql(schemas.length, hasSchemaComments(this.version))), schemas)
      const [tables] = await conn.execute<RowDataPacket[]>(this.bounded(tablesSql(schemas.length)), schemas)
      const [columns] = await conn.execute<RowDataPacket[]>(this.bounded(columnsSql(schemas.length)), schemas)
      const definitions = new Map<string, Map<string, string>>()
      const { ansiQuotes } = lexRulesFor(this.sqlMode ?? '')
      for (const table of tables as TableRow[]) {
        const key = tableKey(table.table_schema, table.table_name)
        if (!plan.definitionTables.has(key) || objectTypeOfTable(table.table_type) !== 'table') continue
        const text = await this.showCreateTable(conn, table.table_schema, table.table_name)
        if (text !== undefined) definitions.set(key, columnDefinitions(text, ansiQuotes))
      }
      return buildSnapshot(this.context.service, plan, { schemata: schemata as SchemaRow[], tables: tables as TableRow[], columns: columns as ColumnRow[], definitions })
    })
  }

  async listDatabases(): Promise<string[]> {
    return [catalogDatabaseLabel]
  }

  /** The catalog database is only a label (read-back takes any), so every label lists the server's databases. */
  async listSchemas(): Promise<string[]> {
    return this.onConnection(async (conn) => {
      const [rows] = await conn.execute<RowDataPacket[]>(this.bounded(schemaListSql))
      return rows.map((row) => String(row.schema_name))
    })
  }

  /** `revmeta check`: three information_schema queries; the findings are worked out in mysql-privileges.ts. */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    const rows = await this.onConnection(async (conn) => {
      const [identity] = await conn.query<RowDataPacket[]>(this.bounded(mysqlIdentitySql))
      const [objects] = await conn.query<RowDataPacket[]>(this.bounded(mysqlObjectsSql))
      const [grants] = await conn.query<RowDataPacket[]>(this.bounded(mysqlAlterGrantsSql))
      return { identity: identity[0] as MysqlIdentityRow, objects: objects as MysqlObjectRow[], grants: grants as MysqlGrantRow[] }
    })
    const { dialect } = this.context
    return mysqlPrivilegeFindings(needs, rows.identity, rows.objects, rows.grants, { identifier: (n) => dialect.quoteIdentifier(n), literal: (v) => dialect.quoteLiteral(v) })
  }

  /** Runs `fn` on a pooled connection, errors coded; a connection lost meanwhile is destroyed, not reused. */
  private async onConnection<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire()
    let broken = false
    try {
      return await fn(conn)
    } catch (error) {
      const coded = this.classify(error, 'query')
      broken = coded.code === 'CONNECTION_FAILED'
      throw coded
    } finally {
      this.release(conn, broken)
    }
  }

  /** Back to the pool, its socket no longer watched for silence; a broken connection is destroyed instead. */
  private release(conn: PoolConnection, broken: boolean): void {
    if (broken) {
      conn.destroy()
      return
    }
    socketOf(conn)?.setTimeout(0)
    conn.release()
  }

  async close(): Promise<void> {
    this.closed = true
    const pool = this.pool
    this.pool = undefined
    await pool?.end().catch(() => undefined)
  }

  /** The table's CREATE TABLE text, or undefined when it was dropped since information_schema was read. */
  private async showCreateTable(conn: PoolConnection, schema: string, table: string): Promise<string | undefined> {
    try {
      const [rows] = await conn.query<RowDataPacket[]>(this.bounded(showCreateTableSql(this.context.dialect, schema, table)))
      const text: unknown = rows[0]?.['Create Table']
      return typeof text === 'string' ? text : undefined
    } catch (error) {
      if (this.classify(error, 'query').code === 'OBJECT_NOT_FOUND') return undefined
      throw error
    }
  }

  /** A connection that ran the session setup and holds the pinned sql_mode; throws a coded error. */
  private async acquire(): Promise<PoolConnection> {
    let conn: PoolConnection
    try {
      conn = await (await this.getPool()).getConnection()
    } catch (error) {
      const coded = this.classify(error, 'connect')
      // A rejected password may have been rotated in passwordFile: read it again next time.
      if (coded.details.errno === 1045 && this.connection.passwordFile !== undefined) await this.dropPool()
      throw coded
    }
    this.watchSilence(conn)
    if (this.prepared.has(conn.connection)) return conn
    try {
      for (const sql of this.setup) await conn.query(this.bounded(sql))
      let session = await readSession(conn, this.timeout)
      const wanted = this.sqlMode ?? this.connection.sqlMode
      if (wanted !== undefined && session.sql_mode !== wanted) {
        await conn.execute(this.bounded(setSqlModeSql), [wanted])
        session = await readSession(conn, this.timeout)
      }
      // The server expands combination modes (ANSI): what it reports is what is pinned.
      this.sqlMode ??= session.sql_mode
      this.version = session.version
    } catch (error) {
      conn.destroy()
      throw this.classify(error, 'connect')
    }
    this.prepared.add(conn.connection)
    return conn
  }

  private async getPool(): Promise<Pool> {
    if (this.closed) throw new RevmetaError('INTERNAL', `The ${this.context.dialect.name} client of service ${JSON.stringify(this.context.service)} is already closed`)
    if (this.pool !== undefined) return this.pool
    const { connection } = this
    const password = connection.passwordFile !== undefined ? await this.secrets.readPasswordFile(connection.passwordFile) : connection.password
    const ssl = connection.ssl === true ? {} : connection.ssl === false ? undefined : connection.ssl
    this.pool ??= this.createPool({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      ...(password !== undefined ? { password } : {}),
      ...(ssl !== undefined ? { ssl } : {}),
      ...(connection.connectTimeoutMs > 0 ? { connectTimeout: connection.connectTimeoutMs } : {}),
      // Statements and markers go in one round trip; the batch runner reads each result.
      multipleStatements: true,
      // Fixed, so backslash escaping can never meet a multi-byte charset whose bytes contain 0x5C.
      charset: 'utf8mb4',
      // mysql2 asks for IGNORE_SPACE by default, which adds it to the session's sql_mode: follow the server's own mode.
      flags: ['-IGNORE_SPACE'],
      connectionLimit: 1,
      maxIdle: 1,
      idleTimeout: connection.idleTimeoutMs,
      enableKeepAlive: true,
      keepAliveInitialDelay: connection.idleTimeoutMs,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    })
    return this.pool
  }

  /**
   * While a connection is checked out, a socket that receives nothing for queryTimeoutMs is
   * destroyed: the command waiting on it (a prepare, which has no timeout of its own, included)
   * fails with ETIMEDOUT, classified CONNECTION_FAILED, and the connection is never reused.
   */
  private watchSilence(conn: PoolConnection): void {
    const socket = socketOf(conn)
    const ms = this.timeout
    if (socket === undefined || ms === undefined) return
    if (!this.watched.has(socket)) {
      this.watched.add(socket)
      socket.on('timeout', () => {
        const error = Object.assign(new Error(`no answer from the server for ${ms} ms (queryTimeoutMs)`), { code: 'ETIMEDOUT' })
        socket.destroy(error)
      })
    }
    socket.setTimeout(ms)
  }

  /** mysql2's query timeout, absent when disabled. */
  private get timeout(): number | undefined {
    return this.connection.queryTimeoutMs > 0 ? this.connection.queryTimeoutMs : undefined
  }

  /** A query with the round-trip bound: on expiry mysql2 fails it (PROTOCOL_SEQUENCE_TIMEOUT) and the connection is destroyed. */
  private bounded(sql: string): { sql: string; timeout?: number } {
    const timeout = this.timeout
    return timeout === undefined ? { sql } : { sql, timeout }
  }

  private async dropPool(): Promise<void> {
    const pool = this.pool
    this.pool = undefined
    await pool?.end().catch(() => undefined)
  }

  private classify(error: unknown, phase: 'connect' | 'query', database?: string): RevmetaError {
    return classifyMysqlError(error, {
      engine: this.context.dialect.name,
      phase,
      ...(database !== undefined ? { database } : {}),
      host: this.connection.host,
      port: this.connection.port,
      secrets: this.secrets.list,
    })
  }
}

/** The TCP (or TLS) socket under a pooled connection. */
function socketOf(conn: PoolConnection): Socket | undefined {
  const stream = (conn.connection as unknown as { stream?: unknown }).stream
  return stream instanceof Socket ? stream : undefined
}

async function readSession(conn: PoolConnection, timeout: number | undefined): Promise<SessionRow> {
  const [rows] = await conn.query<RowDataPacket[]>(timeout === undefined ? { sql: sessionFactsSql } : { sql: sessionFactsSql, timeout })
  const row = rows[0]
  return { sql_mode: String(row?.sql_mode ?? ''), version: String(row?.version ?? '') }
}

/**
 * Runs a marked script and reports which markers came back. The promise API only says whether
 * the whole script passed; the event API of the underlying connection reports each result. A
 * lost connection is reported on the connection, not on the query, so both are listened to.
 */
function runScript(core: CoreConnection, sql: string, timeout: number | undefined): Promise<ScriptOutcome> {
  return new Promise((resolve) => {
    const done = new Set<number>()
    let settled = false
    const settle = (error?: unknown): void => {
      if (settled) return
      settled = true
      core.removeListener('error', settle)
      resolve(error === undefined ? { done } : { done, error })
    }
    // Attached first: on a connection already closed, query() reports synchronously, and only there.
    core.on('error', settle)
    const query = core.query(timeout === undefined ? sql : { sql, timeout })
    query.on('result', (row: unknown) => {
      if (typeof row === 'object' && row !== null && unitMarker in row) done.add(Number((row as Record<string, unknown>)[unitMarker]))
    })
    // Results arrive in order, so everything before the error has been seen when it comes.
    query.on('error', (error: unknown) => settle(error ?? new Error('unknown error')))
    query.on('end', () => settle())
  })
}
