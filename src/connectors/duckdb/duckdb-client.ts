import { constants, existsSync } from 'node:fs'
import { access, mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, PrivilegeNeed, PrivilegeReport, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { duckdbPrivilegeFindings, duckdbPrivilegeSql, type DuckdbDatabaseRow } from './duckdb-privileges.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import { executeSqlBatches } from '../kit/sql-batch.js'
import { isMemoryPath, type DuckdbConnection } from './duckdb-connection.js'
import { classifyDuckdbError, isLockConflict } from './duckdb-errors.js'
import { addDuckdbRows, duckdbCatalogsSql, duckdbReadBackSql, duckdbSchemaListSql, unguardDuckdbRow, type DuckdbRow } from './duckdb-read-back.js'

type Driver = typeof import('@duckdb/node-api')

/** Loads @duckdb/node-api now, opens the database (seeding a new one from initSql) and returns its client. */
export async function createDuckdbClient(connection: DuckdbConnection, context: ClientContext): Promise<ConnectorClient> {
  const driver = await import('@duckdb/node-api')
  const file = isMemoryPath(connection.path) ? undefined : path.resolve(connection.path)
  const fresh = file === undefined || !existsSync(file)
  const where = { phase: 'open' as const, path: connection.path }
  let instance: DuckDBInstance | undefined
  let conn: DuckDBConnection
  try {
    if (file !== undefined && fresh && !connection.readOnly) await mkdir(path.dirname(file), { recursive: true })
    instance = await openInstance(driver, file ?? connection.path, connection)
    conn = await instance.connect()
  } catch (error) {
    instance?.closeSync()
    throw classifyDuckdbError(error, where)
  }
  try {
    if (fresh && connection.initSql !== undefined) await runInitSql(conn, connection.initSql)
    const catalog = (await conn.runAndReadAll('SELECT current_database() AS name')).getRowObjectsJS()[0]?.name
    if (typeof catalog !== 'string') throw new RevmetaError('INTERNAL', 'DuckDB did not name its current database')
    return new DuckdbClient(driver, instance, conn, connection, context, catalog)
  } catch (error) {
    conn.closeSync()
    instance.closeSync()
    // Otherwise the half-seeded file would count as "not new" and initSql would never run again.
    if (file !== undefined && fresh) await Promise.all([file, `${file}.wal`].map((f) => rm(f, { force: true })))
    throw classifyDuckdbError(error, { phase: 'query', path: connection.path })
  }
}

/**
 * One connection to one in-process DuckDB instance. Calls are serialized: a batch runs inside an
 * explicit transaction, and a read-back interleaved on the same connection would see it half-done.
 */
class DuckdbClient implements ConnectorClient {
  private tail: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor(
    private readonly driver: Driver,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly connection: DuckdbConnection,
    private readonly context: ClientContext,
    /** The opened file's catalog: the FQN's database part. */
    private readonly catalog: string,
  ) {}

  /**
   * Names are rendered fully qualified, so a statement for any catalog attached to this instance
   * (the file itself, or one its initSql attached) runs on this one connection; any other
   * database fails DATABASE_UNREACHABLE.
   */
  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    if (units.every((unit) => unit.length === 0)) return units.map(() => ({ ok: true }))
    return this.exclusive(async () => {
      let catalogs: string[]
      try {
        catalogs = await this.catalogs()
      } catch (error) {
        const coded = this.classify(error, database)
        return units.map(() => ({ ok: false, error: coded }))
      }
      if (!catalogs.includes(database)) {
        const error = new RevmetaError('DATABASE_UNREACHABLE', `DuckDB at ${this.connection.path} has no database ${JSON.stringify(database)} attached (it has ${catalogs.map((c) => JSON.stringify(c)).join(', ')})`, {
          details: { engine: 'duckdb', database, served: this.catalog },
        })
        return units.map((unit) => (unit.length === 0 ? { ok: true } : { ok: false, error }))
      }
      return executeSqlBatches(units, {
        database,
        batchSize: this.connection.batchSize,
        runScript: (sql) => this.runTransaction(sql),
        classify: (error) => this.classify(error, database),
      })
    })
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const { LIST, VARCHAR, listValue } = this.driver
    return this.exclusive(async () => {
      const snapshot = new Map<string, ObjectState>()
      let current: string | undefined
      try {
        const catalogs = await this.catalogs()
        for (const [database, schemas] of groupReadBackTargets(assets)) {
          // Databases not attached hold no objects, and schemas cannot carry metadata: nothing to read.
          if (!catalogs.includes(database) || schemas.size === 0) continue
          current = database
          const reader = await this.conn.runAndReadAll(duckdbReadBackSql, [database, listValue([...schemas])], [VARCHAR, LIST(VARCHAR)])
          addDuckdbRows(snapshot, this.context.service, database, (reader.getRowObjectsJS() as unknown as DuckdbRow[]).map(unguardDuckdbRow))
        }
      } catch (error) {
        throw this.classify(error, current)
      }
      return snapshot
    })
  }

  /** The catalog this service stands for; catalogs its initSql attached are reachable, but not what it describes. */
  async listDatabases(): Promise<string[]> {
    return [this.catalog]
  }

  /** A catalog that is not attached holds no schemas, as readBack finds no objects in it. */
  async listSchemas(database: string): Promise<string[]> {
    const { VARCHAR } = this.driver
    return this.exclusive(async () => {
      try {
        if (this.closed) throw new RevmetaError('INTERNAL', `The duckdb client of service ${JSON.stringify(this.context.service)} is already closed`)
        const reader = await this.conn.runAndReadAll(duckdbSchemaListSql, [database], [VARCHAR])
        return reader.getRowObjectsJS().map((row) => String(row.schema_name))
      } catch (error) {
        throw this.classify(error, database)
      }
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.tail
    this.conn.closeSync()
    this.instance.closeSync()
  }

  /**
   * DuckDB runs a multi-statement string one statement at a time and stops at the first error,
   * each in its own autocommit transaction: what ran before the error would stay. One explicit
   * transaction gives executeSqlBatches the all-or-nothing script it relies on.
   */
  private async runTransaction(sql: string): Promise<void> {
    try {
      await this.conn.run(`BEGIN TRANSACTION;\n${sql}\nCOMMIT`)
    } catch (error) {
      // A failed COMMIT has already rolled back; a parse error never began: both refuse ROLLBACK.
      await this.conn.run('ROLLBACK').catch(() => undefined)
      throw error
    }
  }

  /** `revmeta check`: the catalogs attached and whether each is writable; findings in duckdb-privileges.ts. */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    return this.exclusive(async () => {
      let rows: DuckdbDatabaseRow[]
      try {
        rows = (await this.conn.runAndReadAll(duckdbPrivilegeSql)).getRowObjectsJS() as unknown as DuckdbDatabaseRow[]
      } catch (error) {
        throw this.classify(error, undefined)
      }
      const writable = new Map<string, boolean>()
      for (const row of rows) {
        if (row.path) writable.set(row.path, await access(row.path, constants.W_OK).then(() => true, () => false))
      }
      return duckdbPrivilegeFindings(needs, rows, writable, this.catalog)
    })
  }

  private async catalogs(): Promise<string[]> {
    if (this.closed) throw new RevmetaError('INTERNAL', `The duckdb client of service ${JSON.stringify(this.context.service)} is already closed`)
    const rows = (await this.conn.runAndReadAll(duckdbCatalogsSql)).getRowObjectsJS()
    return rows.map((row) => String(row.database_name))
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task)
    this.tail = run.catch(() => undefined)
    return run
  }

  private classify(error: unknown, database: string | undefined): RevmetaError {
    return classifyDuckdbError(error, { phase: 'query', path: this.connection.path, ...(database !== undefined ? { database } : {}) })
  }
}

/**
 * Through DuckDB's instance cache: a second open of the same file in this process (another
 * service, a test) shares the instance instead of opening the file twice, which DuckDB allows
 * in-process and which would let two instances overwrite each other's writes. Another process
 * holding the file is retried until lockTimeoutMs is over.
 */
async function openInstance(driver: Driver, target: string, connection: DuckdbConnection): Promise<DuckDBInstance> {
  const options: Record<string, string> = {}
  if (connection.readOnly) options.access_mode = 'READ_ONLY'
  if (connection.threads !== undefined) options.threads = String(connection.threads)
  const deadline = Date.now() + connection.lockTimeoutMs
  let delay = 25
  for (;;) {
    try {
      return await driver.DuckDBInstance.fromCache(target, options)
    } catch (error) {
      if (!isLockConflict(error) || Date.now() + delay > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, 500)
    }
  }
}

async function runInitSql(conn: DuckDBConnection, file: string): Promise<void> {
  let sql: string
  try {
    sql = await readFile(file, 'utf8')
  } catch (cause) {
    throw new RevmetaError('CONFIG_UNREADABLE', `Cannot read initSql ${file}: ${(cause as Error).message}`, { cause, details: { initSql: file } })
  }
  try {
    await conn.run(sql)
  } catch (error) {
    const coded = classifyDuckdbError(error, { phase: 'query', path: file })
    throw new RevmetaError(coded.code, `initSql ${file} failed: ${coded.message}`, { cause: error, details: coded.details })
  }
}
