import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, PrivilegeNeed, PrivilegeReport, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { KnownSecrets } from '../kit/known-secrets.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import type { DatabricksConnection } from './databricks-connection.js'
import type { DatabricksDialect } from './databricks-dialect.js'
import { WorkspaceHttp } from './databricks-http.js'
import { databricksGrantsQuery, databricksIdentityQuery, databricksOwnershipQuery, databricksPrivilegeFindings } from './databricks-privileges.js'
import { allKinds, AskedNames, databricksReadBackQueries, databricksSnapshot, type DatabricksReadBackKind, type DatabricksRows } from './databricks-read-back.js'
import { StatementRunner, type Row } from './databricks-statements.js'

/** The client's own module is loaded lazily by the connector; it needs no SDK, only Node's fetch. */
export async function createDatabricksClient(connection: DatabricksConnection, context: ClientContext): Promise<ConnectorClient> {
  return new DatabricksClient(connection, context)
}

/**
 * A Databricks SQL warehouse through the Statement Execution API. Every statement names its
 * catalog in full, so one HTTP client serves every catalog (route). Unity Catalog's client
 * extends it, sending its API requests itself and the rest here.
 */
export class DatabricksClient implements ConnectorClient {
  protected readonly secrets: KnownSecrets
  protected readonly http: WorkspaceHttp
  protected readonly runner: StatementRunner
  protected readonly dialect: DatabricksDialect

  constructor(
    protected readonly connection: DatabricksConnection,
    protected readonly context: ClientContext,
    engine = 'databricks',
  ) {
    this.dialect = context.dialect as DatabricksDialect
    this.secrets = new KnownSecrets(connection.token, connection.clientSecret)
    this.http = new WorkspaceHttp(connection, this.secrets, engine)
    this.runner = new StatementRunner(this.http, connection)
  }

  /**
   * Units one after another, each statement its own submission (the API runs one statement per
   * request; a unit of SET TAGS and UNSET TAGS is two). A failing unit stops only itself; once
   * the workspace cannot be reached at all, the rest are not attempted and fail retryable.
   */
  async execute(route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results: UnitResult[] = []
    let lost: RevmetaError | undefined
    for (const unit of units) {
      if (lost !== undefined) {
        results.push({ ok: false, error: new RevmetaError('CONNECTION_FAILED', `Not attempted: the workspace could not be reached earlier in this batch (${lost.message})`, { details: lost.details, cause: lost, retryable: lost.retryable }) })
        continue
      }
      try {
        for (const statement of unit) await this.send(route, statement)
        results.push({ ok: true })
      } catch (error) {
        const coded = error instanceof RevmetaError ? error : this.http.failure({ method: 'POST', path: '/api/2.0/sql/statements', cause: error })
        // No answer at all, or credentials refused: every later unit would fail the same way.
        if (coded.code === 'CONNECTION_FAILED' && (coded.details?.status === undefined || coded.details.status === 401)) lost = coded
        results.push({ ok: false, error: coded })
      }
    }
    return results
  }

  /** One statement: SQL through the warehouse. An API request is the business of a subclass that speaks that API. */
  protected async send(route: string, statement: Statement): Promise<void> {
    if (statement.kind !== 'sql') throw new RevmetaError('INTERNAL', `An API request (${statement.display}) cannot run on a SQL warehouse`)
    if (statement.database !== route) throw new RevmetaError('INTERNAL', `A statement for catalog ${JSON.stringify(statement.database)} was sent with the units of ${JSON.stringify(route)}`)
    await this.runner.run({ statement: statement.sql })
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    const names = new AskedNames(assets)
    for (const [catalog, schemas] of groupReadBackTargets(assets)) {
      const rows = await this.readCatalog(catalog, [...schemas], allKinds)
      if (rows !== undefined) databricksSnapshot(snapshot, this.context.service, catalog, rows, names)
    }
    return snapshot
  }

  /** The rows of the kinds asked for, one query each; undefined when the catalog does not exist. */
  protected async readCatalog(catalog: string, schemas: readonly string[], kinds: readonly DatabricksReadBackKind[]): Promise<DatabricksRows | undefined> {
    const rows: Record<string, readonly Row[]> = {}
    for (const [kind, query] of Object.entries(databricksReadBackQueries(this.dialect, catalog, schemas, kinds))) {
      try {
        rows[kind] = await this.runner.run(query)
      } catch (error) {
        if (error instanceof RevmetaError && error.code === 'OBJECT_NOT_FOUND' && rows.catalogs === undefined) return undefined
        throw error
      }
    }
    return rows
  }

  async listDatabases(): Promise<string[]> {
    if (this.connection.catalog !== undefined) return [this.connection.catalog]
    return (await this.runner.run({ statement: 'SHOW CATALOGS' })).map((row) => row.catalog ?? '').filter((name) => name !== '' && name !== 'system' && name !== 'samples')
  }

  async listSchemas(catalog: string): Promise<string[]> {
    const rows = await this.runner.run({ statement: `SHOW SCHEMAS IN ${this.dialect.quoteIdentifier(catalog)}` })
    return rows.map((row) => row.databasename ?? row.namespace ?? row.schema_name ?? '').filter((name) => name !== '' && name !== 'information_schema')
  }

  /** Who the statements run as, then per catalog two queries: the objects with their owners, the principal's grants. */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    const [identity = {}] = await this.runner.run(databricksIdentityQuery)
    const objects: Row[] = []
    const grants: Row[] = []
    if (needs.length > 0) {
      for (const catalog of await this.listDatabases()) {
        objects.push(...(await this.runner.run(databricksOwnershipQuery(this.dialect, catalog))))
        grants.push(...(await this.runner.run(databricksGrantsQuery(this.dialect, catalog))))
      }
    }
    return databricksPrivilegeFindings(needs, identity, objects, grants, (name) => this.dialect.quoteIdentifier(name))
  }

  async close(): Promise<void> {
    // Nothing held open: every request is a fetch of its own (undici pools and ends the sockets).
  }
}
