import { isDeepStrictEqual } from 'node:util'
import type { GlueClient, GlueClientConfig } from '@aws-sdk/client-glue'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, StateSnapshot, Statement, UnitResult } from '../connector.js'
import { KnownSecrets } from '../kit/known-secrets.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import type { AthenaConnection } from './athena-connection.js'
import { parseAthenaDefinition } from './athena-definition.js'
import { glueActions, glueEndpoint } from './athena-dialect.js'
import { applyChanges, changesBetween, rebaseChanges, type FieldChange } from './athena-edit.js'
import { mergeGroups } from './athena-merge.js'
import { classifyGlueError } from './athena-errors.js'
import { databaseInputOf, sdkTableInput, tableInputOf, type GlueJson } from './athena-glue-input.js'
import { addCatalogState, addGlueDatabase, readKey } from './athena-read-back.js'

type GlueSdk = typeof import('@aws-sdk/client-glue')
type Read = Record<string, unknown>

interface TableRequest {
  CatalogId?: string
  DatabaseName: string
  Name: string
  SkipArchive?: boolean
  VersionId?: string
  TableInput: GlueJson
}

/** One UpdateTable unit: its table, its request, and the change it makes. */
interface TableUnit {
  readonly key: string
  readonly body: TableRequest
  readonly changes: readonly FieldChange[]
}

interface DatabaseRequest {
  CatalogId?: string
  Name: string
  DatabaseInput: GlueJson
}

/** Loads @aws-sdk/client-glue now (not when the connector module is imported) and returns a client for one service. */
export async function createAthenaClient(connection: AthenaConnection, context: ClientContext): Promise<ConnectorClient> {
  const sdk = await import('@aws-sdk/client-glue')
  const secrets = new KnownSecrets(connection.secretAccessKey, connection.sessionToken)
  const config: GlueClientConfig = {
    region: connection.region,
    maxAttempts: connection.maxAttempts,
    requestHandler: { requestTimeout: connection.requestTimeoutMs, connectionTimeout: connection.requestTimeoutMs },
    ...(connection.endpoint !== undefined ? { endpoint: connection.endpoint } : {}),
    ...(connection.profile !== undefined ? { profile: connection.profile } : {}),
  }
  if (connection.accessKeyId !== undefined) {
    const secretAccessKey = connection.secretAccessKeyFile !== undefined ? await secrets.readPasswordFile(connection.secretAccessKeyFile, 'secretAccessKeyFile') : connection.secretAccessKey!
    const sessionToken = connection.sessionTokenFile !== undefined ? await secrets.readPasswordFile(connection.sessionTokenFile, 'sessionTokenFile') : connection.sessionToken
    config.credentials = { accessKeyId: connection.accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) }
  }
  return new AthenaClient(sdk, new sdk.GlueClient(config), connection, context, secrets)
}

const isConflict = (error: unknown) => error instanceof RevmetaError && error.code === 'CONCURRENT_MODIFICATION'

/**
 * One Glue client per service. Every update is read → copy → change one thing → send: the
 * statement carries the complete input made from the read-back, and when the object moved on
 * since (another writer, or an earlier operation of this run on the same table) the change the
 * statement makes is carried onto a fresh read, never the stale whole sent over the new one.
 */
class AthenaClient implements ConnectorClient {
  /** The definitions read back, by object: what each statement was made from. */
  private readonly reads = new Map<string, string>()
  /** Tables this client updated since they were read: their VersionId has moved on. */
  private readonly moved = new Set<string>()
  private readonly catalog: { CatalogId?: string }

  constructor(
    private readonly sdk: GlueSdk,
    private readonly glue: GlueClient,
    private readonly connection: AthenaConnection,
    private readonly context: ClientContext,
    private readonly secrets: KnownSecrets,
  ) {
    this.catalog = connection.catalogId !== undefined ? { CatalogId: connection.catalogId } : {}
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    const place = { service: this.context.service, database: this.connection.databaseName }
    // Statements are made from the latest read-back: older reads are dropped, so a long-running
    // worker holds one read of what it works on, not every table it ever saw.
    this.reads.clear()
    this.moved.clear()
    for (const [database, schemas] of groupReadBackTargets(assets)) {
      // Another database name is not this Data Catalog: its objects read as missing.
      if (database !== this.connection.databaseName) continue
      addCatalogState(snapshot, place)
      for (const schema of schemas) {
        const glueDatabase = await this.getDatabase(schema)
        if (glueDatabase === undefined) continue
        const tables = await this.getTables(schema)
        this.remember(addGlueDatabase(snapshot, place, glueDatabase, tables, this.connection.tagPrefix))
      }
    }
    return snapshot
  }

  /**
   * Units go one after another (two may change the same table, and each must see the other's
   * result), except that the units changing one table are merged into one UpdateTable: a table
   * whose 300 column comments change is one request, not 300 updates and 299 re-reads. A merged
   * update Glue refuses is sent again unit by unit, so the refusal lands on the unit that causes it.
   */
  async execute(route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results: UnitResult[] = new Array(units.length)
    const plans = units.map((unit) => this.tableUnit(route, unit))
    for (const group of mergeGroups(plans.map((plan) => (plan instanceof RevmetaError ? undefined : plan?.key)))) {
      if (group.length > 1) {
        const first = plans[group[0]!] as TableUnit
        const error = await this.attempt(() => this.sendTable(first.body, group.flatMap((i) => (plans[i] as TableUnit).changes)))
        // Network, throttling, other writers: the same for each unit, so each gets that error.
        if (error === undefined || error.retryable) {
          for (const i of group) results[i] = error === undefined ? { ok: true } : { ok: false, error }
          continue
        }
      }
      for (const i of group) {
        const plan = plans[i]
        const error = plan instanceof RevmetaError ? plan : await this.attempt(() => (plan !== undefined ? this.sendTable(plan.body, plan.changes) : this.sendAll(route, units[i]!)))
        results[i] = error === undefined ? { ok: true } : { ok: false, error }
      }
    }
    return results
  }

  async listDatabases(): Promise<string[]> {
    return [this.connection.databaseName]
  }

  async listSchemas(): Promise<string[]> {
    const names: string[] = []
    await this.call('GetDatabases', undefined, async () => {
      for await (const page of this.sdk.paginateGetDatabases({ client: this.glue }, { ...this.catalog })) names.push(...(page.DatabaseList ?? []).map((d) => d.Name!))
    })
    return names
  }

  async close(): Promise<void> {
    this.glue.destroy()
  }

  private async sendAll(route: string, unit: readonly Statement[]): Promise<void> {
    for (const statement of unit) {
      const plan = this.tableUnit(route, [statement])
      if (plan instanceof RevmetaError) throw plan
      if (plan !== undefined) await this.sendTable(plan.body, plan.changes)
      else if (statement.kind === 'api' && statement.path === glueActions.updateDatabase) await this.updateDatabase(statement.body as DatabaseRequest)
      else throw new RevmetaError('INTERNAL', `Unknown Glue request ${statement.kind === 'api' ? statement.display.slice(0, 80) : 'SQL'}`)
    }
  }

  /**
   * A unit that is one UpdateTable, with the change it makes (told from the rest against the read
   * it was made from); the error when it was not made from that read; undefined for other units.
   */
  private tableUnit(route: string, unit: readonly Statement[]): TableUnit | RevmetaError | undefined {
    const statement = unit[0]
    if (unit.length !== 1 || statement === undefined) return undefined
    if (statement.kind !== 'api' || route !== glueEndpoint) {
      // A channel's custom SQL template renders SQL: this connector runs no Athena queries.
      return new RevmetaError('UNSUPPORTED', `The athena connector sends Glue API requests only; it runs no SQL, so a custom SQL template cannot be applied here (${statement.kind === 'api' ? statement.endpoint : 'SQL'})`, { details: { engine: 'athena' } })
    }
    if (statement.path !== glueActions.updateTable) return undefined
    const body = statement.body as TableRequest
    const key = readKey(body.DatabaseName, body.Name)
    const base = parseAthenaDefinition(this.reads.get(key))
    if (base === undefined || base.version !== body.VersionId) return this.notFromRead(`${body.DatabaseName}.${body.Name}`)
    try {
      return { key, body, changes: changesBetween(base.input, body.TableInput) }
    } catch (error) {
      return error as RevmetaError
    }
  }

  /** UpdateTable with the VersionId read; on a conflict, the changes carried onto a fresh read, up to conflictRetries times. */
  private async sendTable(body: TableRequest, changes: readonly FieldChange[]): Promise<void> {
    const key = readKey(body.DatabaseName, body.Name)
    const object = `${body.DatabaseName}.${body.Name}`
    const base = parseAthenaDefinition(this.reads.get(key))!
    let request: TableRequest | undefined = this.moved.has(key) ? await this.freshTable(body, changes) : { ...body, TableInput: applyChanges(base.input, changes) }
    for (let attempt = 0; request !== undefined; attempt++) {
      try {
        const sent: TableRequest = request
        await this.call('UpdateTable', object, () => this.glue.send(new this.sdk.UpdateTableCommand({ ...sent, TableInput: sdkTableInput(sent.TableInput) } as never)))
        this.moved.add(key)
        return
      } catch (error) {
        if (!isConflict(error) || attempt >= this.connection.conflictRetries) throw error
        request = await this.freshTable(body, changes)
      }
    }
  }

  /** The request again, made from the table as it is now; undefined when the change is in place already. */
  private async freshTable(body: TableRequest, changes: readonly FieldChange[]): Promise<TableRequest | undefined> {
    const object = `${body.DatabaseName}.${body.Name}`
    const read = await this.call('GetTable', object, () => this.glue.send(new this.sdk.GetTableCommand({ ...this.catalog, DatabaseName: body.DatabaseName, Name: body.Name })))
    const fresh = tableInputOf(read.Table!)
    const input = rebaseChanges(fresh, changes)
    if (isDeepStrictEqual(input, fresh)) return undefined
    const { VersionId: _stale, ...rest } = body
    return { ...rest, ...(read.Table!.VersionId !== undefined ? { VersionId: read.Table!.VersionId } : {}), TableInput: input }
  }

  /**
   * Glue offers no VersionId on databases: the change is always carried onto a read made just
   * before the update, so the window in which another writer's change could be lost is one round trip.
   */
  private async updateDatabase(body: DatabaseRequest): Promise<void> {
    const base = parseAthenaDefinition(this.reads.get(readKey(body.Name)))
    if (base === undefined) throw this.notFromRead(body.Name)
    const changes = changesBetween(base.input, body.DatabaseInput)
    const read = await this.call('GetDatabase', body.Name, () => this.glue.send(new this.sdk.GetDatabaseCommand({ ...this.catalog, Name: body.Name })))
    const fresh = databaseInputOf(read.Database!)
    const input = rebaseChanges(fresh, changes)
    if (isDeepStrictEqual(input, fresh)) return
    await this.call('UpdateDatabase', body.Name, () => this.glue.send(new this.sdk.UpdateDatabaseCommand({ ...body, DatabaseInput: input } as never)))
  }

  private async getDatabase(name: string): Promise<Read | undefined> {
    try {
      const read = await this.call('GetDatabase', name, () => this.glue.send(new this.sdk.GetDatabaseCommand({ ...this.catalog, Name: name })))
      return read.Database as Read | undefined
    } catch (error) {
      if (error instanceof RevmetaError && error.code === 'OBJECT_NOT_FOUND') return undefined
      throw error
    }
  }

  /** Every table of one Glue database, page by page (GetTables' NextToken). */
  private async getTables(database: string): Promise<Read[]> {
    const tables: Read[] = []
    await this.call('GetTables', database, async () => {
      for await (const page of this.sdk.paginateGetTables({ client: this.glue }, { ...this.catalog, DatabaseName: database })) tables.push(...((page.TableList ?? []) as unknown as Read[]))
    })
    return tables
  }

  /** Keeps what each object was read as, so a statement's change can be told from the rest. */
  private remember(definitions: ReadonlyMap<string, string>): void {
    for (const [key, definition] of definitions) this.reads.set(key, definition)
  }

  private notFromRead(object: string): RevmetaError {
    return new RevmetaError('CONCURRENT_MODIFICATION', `The request for ${object} was not made from the read this client holds (read back again, or the object changed): not sent`, {
      retryable: true,
      details: { engine: 'athena', object },
    })
  }

  /** Runs one send; its failure as a coded error, or undefined. */
  private async attempt(send: () => Promise<void>): Promise<RevmetaError | undefined> {
    try {
      await send()
      return undefined
    } catch (error) {
      return error instanceof RevmetaError ? error : classifyGlueError(error, { action: 'request', secrets: this.secrets.list })
    }
  }

  private async call<T>(action: string, object: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw classifyGlueError(error, { action, ...(object !== undefined ? { object } : {}), secrets: this.secrets.list })
    }
  }
}
