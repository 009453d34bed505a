import { existsSync } from 'node:fs'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, PrivilegeNeed, PrivilegeReport, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { postgresPrivilegeFindings, type PrivilegeIdentityRow, type PrivilegeObjectRow } from '../postgres/postgres-privileges.js'
import { classifyPostgresError } from '../postgres/postgres-errors.js'
import {
  addDatabaseRows,
  addObjectRows,
  databaseReadBackSql,
  schemaListSql,
  schemaReadBackSql,
  type DatabaseRow,
  type ObjectRow,
  type SchemaNameRow,
  postgresQueries,
} from '../postgres/postgres-read-back.js'
import { executeSqlBatches } from '../kit/sql-batch.js'
import type { PgliteConnection } from './pglite-connection.js'

const engine = 'pglite'

/** Starts PGlite (loaded only now), seeds a new database from initSql, and returns its client. */
export async function createPgliteClient(connection: PgliteConnection, context: ClientContext): Promise<ConnectorClient> {
  const { PGlite } = await import('@electric-sql/pglite')
  const dir = filesystemDir(connection.dataDir)
  const fresh = dir === undefined || !existsSync(path.join(dir, 'PG_VERSION'))
  const createdDir = dir !== undefined && !existsSync(dir)
  let db: PGlite
  try {
    // PGlite creates only the last directory of dataDir itself.
    if (dir !== undefined) await mkdir(path.dirname(dir), { recursive: true })
    db = await PGlite.create({ ...(connection.dataDir !== undefined ? { dataDir: connection.dataDir } : {}), database: connection.database })
  } catch (cause) {
    throw new RevmetaError('DATABASE_UNREACHABLE', `PGlite cannot open database ${JSON.stringify(connection.database)}${dir ? ` in ${dir}` : ''}: ${(cause as Error).message}`, {
      cause,
      details: { engine, database: connection.database, dataDir: dir },
    })
  }
  try {
    if (fresh && connection.initSql !== undefined) await db.exec(await readInitSql(connection.initSql))
    for (const sql of context.dialect.sessionSetup({ lockTimeoutMs: connection.lockTimeoutMs })) await db.exec(sql)
  } catch (error) {
    await db.close()
    // Otherwise the half-made directory would count as "not new" and initSql would never run again.
    if (createdDir && dir !== undefined) await rm(dir, { recursive: true, force: true })
    if (error instanceof RevmetaError) throw error
    const coded = classifyPostgresError(error, { engine, phase: 'query', database: connection.database })
    throw new RevmetaError(coded.code, `initSql ${connection.initSql ?? ''} failed: ${coded.message}`, { cause: error, details: coded.details })
  }
  return new PgliteClient(db, connection, context)
}

/** PGlite is one database in this process: no pool, no network, same SQL as PostgreSQL. */
class PgliteClient implements ConnectorClient {
  constructor(
    private readonly db: PGlite,
    private readonly connection: PgliteConnection,
    private readonly context: ClientContext,
  ) {}

  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    if (database !== this.connection.database) {
      const error = new RevmetaError('DATABASE_UNREACHABLE', `PGlite serves only database ${JSON.stringify(this.connection.database)}, not ${JSON.stringify(database)}`, {
        details: { engine, database, served: this.connection.database },
      })
      return units.map((unit) => (unit.length === 0 ? { ok: true } : { ok: false, error }))
    }
    return executeSqlBatches(units, {
      database,
      batchSize: this.connection.batchSize,
      runScript: async (sql) => {
        await this.db.exec(sql)
      },
      classify: (error) => classifyPostgresError(error, { engine, phase: 'query', database }),
    })
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    // Other databases do not exist here, so their keys stay absent.
    const schemas = groupReadBackTargets(assets).get(this.connection.database)
    if (schemas === undefined) return snapshot
    const database = this.connection.database
    try {
      const databases = await this.db.query<DatabaseRow>(databaseReadBackSql, [[database]])
      addDatabaseRows(snapshot, this.context.service, databases.rows)
      if (schemas.size > 0) {
        const objects = await this.db.query<ObjectRow>(schemaReadBackSql, [[...schemas]])
        addObjectRows(snapshot, this.context.service, database, objects.rows)
      }
    } catch (error) {
      throw classifyPostgresError(error, { engine, phase: 'query', database })
    }
    return snapshot
  }

  async listDatabases(): Promise<string[]> {
    return [this.connection.database]
  }

  /** Another database does not exist here: it holds no schemas, as readBack finds no objects in it. */
  async listSchemas(database: string): Promise<string[]> {
    if (database !== this.connection.database) return []
    try {
      return (await this.db.query<SchemaNameRow>(schemaListSql)).rows.map((row) => row.schema_name)
    } catch (error) {
      throw classifyPostgresError(error, { engine, phase: 'query', database })
    }
  }

  /** `revmeta check`: PostgreSQL's own queries, on the one database PGlite holds. */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    const { privileges } = postgresQueries
    try {
      const identity = (await this.db.query<PrivilegeIdentityRow>(privileges.identitySql)).rows[0]!
      const objects = (await this.db.query<PrivilegeObjectRow>(privileges.objectsSql)).rows
      return postgresPrivilegeFindings(needs, identity, objects, privileges, (name) => this.context.dialect.quoteIdentifier(name))
    } catch (error) {
      throw classifyPostgresError(error, { engine, phase: 'query', database: this.connection.database })
    }
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close()
  }
}

/** The directory behind dataDir, or undefined when the data lives in memory. */
function filesystemDir(dataDir: string | undefined): string | undefined {
  if (dataDir === undefined || dataDir.startsWith('memory://')) return undefined
  return dataDir.startsWith('file://') ? dataDir.slice('file://'.length) : dataDir
}

async function readInitSql(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (cause) {
    throw new RevmetaError('CONFIG_UNREADABLE', `Cannot read initSql ${file}: ${(cause as Error).message}`, { cause, details: { initSql: file } })
  }
}
