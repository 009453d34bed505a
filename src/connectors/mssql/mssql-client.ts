import type { ConnectionPool, ISqlType } from 'mssql'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { BoundParam } from '../../model/statement.js'
import type { ClientContext, ConnectorClient, ObjectState, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { KnownSecrets } from '../kit/known-secrets.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import { executeSqlBatches } from '../kit/sql-batch.js'
import { readSecretFile } from '../kit/secret-file.js'
import { isBatchable, mssqlScript } from './mssql-batch.js'
import type { MssqlConnection } from './mssql-connection.js'
import type { MssqlDialect } from './mssql-dialect.js'
import { classifyMssqlError } from './mssql-errors.js'
import { mssqlPoolConfig } from './mssql-options.js'
import { mssqlReadBackQueries, mssqlSnapshot, type MssqlRow } from './mssql-read-back.js'

type MssqlModule = typeof import('mssql')

/** Loads `mssql` (and tedious) now, not when the connector module is imported. */
export async function createMssqlClient(connection: MssqlConnection, context: ClientContext): Promise<ConnectorClient> {
  const imported = (await import('mssql')) as MssqlModule & { default?: MssqlModule }
  return new MssqlClient(imported.default ?? imported, connection, context)
}

/**
 * One single-connection pool per database: a database's own properties are written by a session
 * in that database, and one session per database keeps statements of a database in order.
 */
class MssqlClient implements ConnectorClient {
  private readonly pools = new Map<string, Promise<ConnectionPool>>()
  private readonly secrets: KnownSecrets
  private readonly setup: readonly string[]
  private readonly dialect: MssqlDialect

  constructor(
    private readonly driver: MssqlModule,
    private readonly connection: MssqlConnection,
    private readonly context: ClientContext,
  ) {
    this.secrets = new KnownSecrets(connection.password, connection.token)
    this.dialect = context.dialect as MssqlDialect
    this.setup = this.dialect.sessionSetup({ lockTimeoutMs: connection.lockTimeoutMs })
  }

  /**
   * Units of extended properties share one request (one transaction) up to batchSize
   * statements; owner changes and custom templates run in requests of their own. A failed
   * request is rerun unit by unit, so a failure is pinned on its own unit.
   */
  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results: UnitResult[] = new Array(units.length)
    let start = 0
    while (start < units.length) {
      const batchable = isBatchable(units[start] ?? [])
      let end = start + 1
      while (end < units.length && isBatchable(units[end] ?? []) === batchable) end++
      const group = units.slice(start, end)
      const done = await executeSqlBatches(group, {
        database,
        batchSize: batchable ? this.connection.batchSize : 1,
        runStatements: (statements) => this.send(database, statements),
        classify: (error) => this.classify(error, 'query', database),
      })
      done.forEach((result, i) => (results[start + i] = result))
      start = end
    }
    return results
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    for (const [database, schemas] of groupReadBackTargets(assets)) {
      const rows: MssqlRow[] = []
      for (const query of mssqlReadBackQueries([...schemas])) rows.push(...(await this.query<MssqlRow>(database, query.text, query.params)))
      mssqlSnapshot(snapshot, this.context.service, database, rows, this.dialect.options.tagPrefix)
    }
    return snapshot
  }

  async listDatabases(): Promise<string[]> {
    if (this.connection.database !== undefined) return [this.connection.database]
    const rows = await this.query<{ name: string }>('master', 'SELECT name FROM sys.databases WHERE database_id > 4 AND state_desc = N\'ONLINE\' ORDER BY name', [])
    return rows.map((row) => row.name)
  }

  async listSchemas(database: string): Promise<string[]> {
    // Fixed roles and the built-in schemas own nothing revmeta describes.
    const sql = "SELECT s.name FROM sys.schemas s WHERE s.schema_id < 16384 AND s.name NOT IN (N'sys', N'INFORMATION_SCHEMA', N'guest') ORDER BY s.name"
    return (await this.query<{ name: string }>(database, sql, [])).map((row) => row.name)
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(pools.map(async (pool) => (await pool.catch(() => undefined))?.close().catch(() => undefined)))
  }

  private async send(database: string, statements: readonly Statement[]): Promise<void> {
    if (statements.every((s) => s.kind === 'sql' && s.params !== undefined)) {
      const script = mssqlScript(statements, this.setup)
      await this.query(database, script.text, script.params)
      return
    }
    // Written as they are (owner changes, custom templates): each its own batch, after the session setup.
    for (const statement of statements) {
      if (statement.kind !== 'sql') throw new RevmetaError('INTERNAL', `An API request (${statement.display}) cannot run on SQL Server`)
      await this.query(database, [...this.setup, statement.sql].join(';\n'), statement.params ?? [])
    }
  }

  private async query<R>(database: string, text: string, params: readonly BoundParam[]): Promise<R[]> {
    const pool = await this.pool(database)
    try {
      const request = pool.request()
      for (const p of params) request.input(p.name, this.typeOf(p.type), p.value)
      const result = await request.query(text)
      return (result.recordset ?? []) as R[]
    } catch (error) {
      const coded = this.classify(error, 'query', database)
      if (coded.code === 'CONNECTION_FAILED') this.drop(database)
      throw coded
    }
  }

  private typeOf(type: string): ISqlType {
    const match = /^nvarchar\((\d+|max)\)$/.exec(type)
    if (match === null) throw new RevmetaError('INTERNAL', `No driver type for ${type}`)
    const length = match[1] === 'max' ? this.driver.MAX : Number(match[1])
    return this.driver.NVarChar(length) as unknown as ISqlType
  }

  private pool(database: string): Promise<ConnectionPool> {
    let pool = this.pools.get(database)
    if (pool === undefined) {
      pool = this.open(database)
      pool.catch(() => this.drop(database))
      this.pools.set(database, pool)
    }
    return pool
  }

  private drop(database: string): void {
    const pool = this.pools.get(database)
    this.pools.delete(database)
    void pool?.then((p) => p.close()).catch(() => undefined)
  }

  private async open(database: string): Promise<ConnectionPool> {
    const c = this.connection
    const password = c.passwordFile !== undefined ? await this.secrets.readPasswordFile(c.passwordFile) : c.password
    const token = c.tokenFile !== undefined ? await readSecretFile(c.tokenFile, 'tokenFile') : c.token
    this.secrets.add(token)
    const pool = new this.driver.ConnectionPool(mssqlPoolConfig(c, database, { password, token }))
    // A pool emits 'error' for a connection that breaks while idle; the next request reconnects.
    pool.on('error', () => undefined)
    try {
      return await pool.connect()
    } catch (error) {
      await pool.close().catch(() => undefined)
      throw this.classify(error, 'connect', database)
    }
  }

  private classify(error: unknown, phase: 'connect' | 'query', database: string): RevmetaError {
    return classifyMssqlError(error, { engine: 'mssql', phase, database, host: this.connection.host, port: this.connection.port, secrets: this.secrets.list })
  }
}
