import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, PrivilegeNeed, PrivilegeReport, SqlStatement, StateSnapshot, UnitResult } from '../connector.js'
import type { ClickhouseConnection } from './clickhouse-connection.js'
import {
  clickhouseGrantsSql,
  clickhouseHierarchySql,
  clickhouseIdentitySql,
  clickhouseObjectsSql,
  clickhousePrivilegeFindings,
  type ClickhouseHierarchyRow,
  type ClickhouseObjectRow,
} from './clickhouse-privileges.js'
import { classifyClickhouseError } from './clickhouse-errors.js'
import {
  buildSnapshot,
  catalogDatabaseLabel,
  columnsSql,
  databasesSql,
  planReadBack,
  readBackParams,
  schemaListSql,
  tablesSql,
  type ColumnRow,
  type DatabaseRow,
  type SchemaNameRow,
  type TableRow,
} from './clickhouse-read-back.js'
import type { ClickhouseRunner } from './clickhouse-runner.js'

/** Opens the runner the connection's mode names (its driver loads only now) and wraps it in the one client. */
export async function createClickhouseClient(connection: ClickhouseConnection, context: ClientContext): Promise<ConnectorClient> {
  if (connection.mode === 'embedded') {
    const { openChdbRunner } = await import('./clickhouse-chdb-runner.js')
    return new ClickhouseClient(await openChdbRunner(connection, context.dialect.sessionSetup({ lockTimeoutMs: connection.lockTimeoutMs })), context)
  }
  const { openHttpRunner } = await import('./clickhouse-http-runner.js')
  return new ClickhouseClient(await openHttpRunner(connection), context)
}

/**
 * Statements run one at a time, in order: ClickHouse takes one statement per HTTP request, ALTERs
 * on one table serialize on the server anyway, and two operations on the same object must land in
 * the order the plan gave them. ClickHouse DDL is not transactional, so a unit of several
 * statements (a custom template) that fails halfway keeps what ran before the failure.
 */
export class ClickhouseClient implements ConnectorClient {
  private closed = false

  constructor(
    private readonly runner: ClickhouseRunner,
    private readonly context: ClientContext,
  ) {}

  /**
   * `database` is the catalog database the statements were rendered for; ClickHouse has no such
   * object, every statement names its ClickHouse database, so it only checks the routing.
   */
  async execute(database: string, units: readonly (readonly SqlStatement[])[]): Promise<UnitResult[]> {
    this.assertOpen()
    const results: UnitResult[] = []
    let lost: RevmetaError | undefined
    for (const unit of units) {
      const stray = unit.find((statement) => statement.database !== database)
      if (stray !== undefined) {
        results.push({ ok: false, error: misrouted(database, stray.database) })
        continue
      }
      if (lost !== undefined && unit.length > 0) {
        results.push({ ok: false, error: notAttempted(lost) })
        continue
      }
      try {
        for (const statement of unit) await this.runner.command(statement.sql)
        results.push({ ok: true })
      } catch (error) {
        const coded = classifyClickhouseError(error, this.runner.context)
        // Each further request would wait for its own timeout; they fail at once, retryable.
        if (coded.code === 'CONNECTION_FAILED') lost = coded
        results.push({ ok: false, error: coded })
      }
    }
    return results
  }

  /** One query per system table, for every ClickHouse database involved; system.columns only when columns or whole schemas are asked for. */
  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    this.assertOpen()
    const plan = planReadBack(assets)
    const params = readBackParams(plan)
    if (params.dbs.length === 0) return buildSnapshot(this.context.service, plan, { databases: [], tables: [], columns: [] })
    try {
      const databases = await this.runner.rows<DatabaseRow>(databasesSql, params)
      const tables = await this.runner.rows<TableRow>(tablesSql, params)
      const columns = plan.needColumns ? await this.runner.rows<ColumnRow>(columnsSql, params) : []
      return buildSnapshot(this.context.service, plan, { databases, tables, columns })
    } catch (error) {
      throw classifyClickhouseError(error, this.runner.context)
    }
  }

  async listDatabases(): Promise<string[]> {
    return [catalogDatabaseLabel]
  }

  /** The catalog database is only a label (read-back takes any), so every label lists all ClickHouse databases. */
  async listSchemas(): Promise<string[]> {
    this.assertOpen()
    try {
      return (await this.runner.rows<SchemaNameRow>(schemaListSql, {})).map((row) => row.name)
    } catch (error) {
      throw classifyClickhouseError(error, this.runner.context)
    }
  }

  /** `revmeta check`: four catalog queries; the findings are worked out in clickhouse-privileges.ts. */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    this.assertOpen()
    try {
      const [identity] = await this.runner.rows<{ principal: string; version: string }>(clickhouseIdentitySql, {})
      const hierarchy = await this.runner.rows<ClickhouseHierarchyRow>(clickhouseHierarchySql, {})
      const grants = (await this.runner.rows<Record<string, string>>(clickhouseGrantsSql, {})).map((row) => String(Object.values(row)[0]))
      const objects = await this.runner.rows<ClickhouseObjectRow>(clickhouseObjectsSql, {})
      return clickhousePrivilegeFindings(needs, identity!, hierarchy, grants, objects, (name) => this.context.dialect.quoteIdentifier(name))
    } catch (error) {
      throw classifyClickhouseError(error, this.runner.context)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.runner.close()
  }

  private assertOpen(): void {
    if (this.closed) throw new RevmetaError('INTERNAL', `The clickhouse client of service ${JSON.stringify(this.context.service)} is already closed`)
  }
}

function misrouted(database: string, statementDatabase: string): RevmetaError {
  return new RevmetaError('INTERNAL', `A statement for database ${JSON.stringify(statementDatabase)} was sent with units for ${JSON.stringify(database)}`, {
    details: { database, statementDatabase },
  })
}

function notAttempted(lost: RevmetaError): RevmetaError {
  return new RevmetaError('CONNECTION_FAILED', `Not attempted: ClickHouse could not be reached earlier in this run (${lost.message})`, {
    details: lost.details,
    cause: lost,
    retryable: lost.retryable,
  })
}
