import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, SessionFacts, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { KnownSecrets } from '../kit/known-secrets.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import { executeSqlBatches } from '../kit/sql-batch.js'
import { oracleConnectAttributes, type OracleConnection } from './oracle-connection.js'
import { classifyOracleError } from './oracle-errors.js'
import type { OracleConnectionApi as Connection, OracleDbApi as OracleDb } from './oracledb-api.js'
import type { OracleDialect } from './oracle-dialect.js'
import { oracleHasAnnotations } from './oracle-version.js'
import { oracleReadBackSql, oracleSnapshot, type OracleRow } from './oracle-read-back.js'

/** Loads `oracledb` now; it runs in thin mode (pure JavaScript) unless initOracleClient() is called, which revmeta never does. */
export async function createOracleClient(connection: OracleConnection, context: ClientContext): Promise<ConnectorClient> {
  // @ts-expect-error oracledb ships no type declarations; oracledb-api.ts states what is used.
  const imported = (await import('oracledb')) as OracleDb & { default?: OracleDb }
  return new OracleClient(imported.default ?? imported, connection, context)
}

/**
 * One session per service: an Oracle connection is to one database, and every statement names
 * its schema. DDL commits by itself, so statements run one by one; a failure stays with its unit.
 */
class OracleClient implements ConnectorClient {
  private session: Promise<Connection> | undefined
  private readonly secrets: KnownSecrets

  constructor(
    private readonly driver: OracleDb,
    private readonly connection: OracleConnection,
    private readonly context: ClientContext,
  ) {
    this.secrets = new KnownSecrets(connection.password)
  }

  /** The server's version, which decides whether tags are written as annotations. */
  async sessionFacts(): Promise<SessionFacts> {
    const connection = await this.connect()
    return { version: connection.oracleServerVersionString }
  }

  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    return executeSqlBatches(units, {
      database,
      // DDL cannot share a round trip: each statement is its own call.
      batchSize: 1,
      runStatements: async (statements) => {
        for (const statement of statements) {
          if (statement.kind !== 'sql') throw new RevmetaError('INTERNAL', `An API request (${statement.display}) cannot run on Oracle`)
          await this.run(statement.sql, {}, database)
        }
      },
      classify: (error) => this.classify(error, 'query', database),
    })
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    // The session's own version: the dialect in the context was made before it was known.
    const annotations = oracleHasAnnotations((await this.connect()).oracleServerVersionString)
    for (const [database, schemas] of groupReadBackTargets(assets)) {
      for (const schema of schemas) {
        const names = (this.context.dialect as OracleDialect).names
        const binds = { owner: names.toOracle(schema) }
        const rows = {
          tables: await this.run(oracleReadBackSql.tables, binds, database),
          columns: await this.run(oracleReadBackSql.columns, binds, database),
          mviews: await this.run(oracleReadBackSql.mviews, binds, database),
          ...(annotations ? { annotations: await this.run(oracleReadBackSql.annotations, binds, database) } : {}),
        }
        oracleSnapshot(snapshot, this.context.service, database, schema, rows, names)
      }
    }
    return snapshot
  }

  async close(): Promise<void> {
    const session = this.session
    this.session = undefined
    const connection = await session?.catch(() => undefined)
    await connection?.close().catch(() => undefined)
  }

  private async run(sql: string, binds: Record<string, string>, database: string): Promise<OracleRow[]> {
    const connection = await this.connect()
    try {
      const result = await connection.execute<OracleRow>(sql, binds, { outFormat: this.driver.OUT_FORMAT_OBJECT })
      return result.rows ?? []
    } catch (error) {
      const coded = this.classify(error, 'query', database)
      if (coded.code === 'CONNECTION_FAILED') void this.close()
      throw coded
    }
  }

  private connect(): Promise<Connection> {
    this.session ??= this.login().catch((error: unknown) => {
      this.session = undefined
      throw error
    })
    return this.session
  }

  private async login(): Promise<Connection> {
    const c = this.connection
    const password = c.passwordFile !== undefined ? await this.secrets.readPasswordFile(c.passwordFile) : c.password
    let connection: Connection
    try {
      connection = await this.driver.getConnection(oracleConnectAttributes(c, password))
    } catch (error) {
      throw this.classify(error, 'connect')
    }
    try {
      if (c.callTimeoutMs > 0) connection.callTimeout = c.callTimeoutMs
      for (const sql of this.context.dialect.sessionSetup({ lockTimeoutMs: c.lockTimeoutMs })) await connection.execute(sql)
      return connection
    } catch (error) {
      await connection.close().catch(() => undefined)
      throw this.classify(error, 'connect')
    }
  }

  private classify(error: unknown, phase: 'connect' | 'query', database?: string): RevmetaError {
    return classifyOracleError(error, { engine: 'oracle', phase, ...(database !== undefined ? { database } : {}), host: this.connection.host, port: this.connection.port, secrets: this.secrets.list })
  }
}
