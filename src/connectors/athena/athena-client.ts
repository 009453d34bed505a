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
import { changesBetween, rebaseChanges, type FieldChange } from './athena-edit.js'
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
    const secretAccessKey = connection.secretAccessKeyFile !== undefined ? await secrets.readPasswordFile(connection.secretAccessKeyFile) : connection.secretAccessKey!
    const sessionToken = connection.sessionTokenFile !== undefined ? await secrets.readPasswordFile(connection.sessionTokenFile) : connection.sessionToken
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

  async execute(route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results: UnitResult[] = []
    // Units go one after another: two may change the same table, and each must see the other's result.
    for (const unit of units) {
      try {
        for (const statement of unit) await this.send(route, statement)
        results.push({ ok: true })
      } catch (error) {
        results.push({ ok: false, error: error instanceof RevmetaError ? error : classifyGlueError(error, { action: 'request', secrets: this.secrets.list }) })
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

  private async send(route: string, statement: Statement): Promise<void> {
    if (statement.kind !== 'api' || route !== glueEndpoint) throw new RevmetaError('INTERNAL', `The athena client sends Glue requests only, not ${statement.kind === 'api' ? statement.endpoint : 'SQL'}`)
    if (statement.path === glueActions.updateTable) return this.updateTable(statement.body as TableRequest)
    if (statement.path === glueActions.updateDatabase) return this.updateDatabase(statement.body as DatabaseRequest)
    throw new RevmetaError('INTERNAL', `Unknown Glue action ${statement.path}`)
  }

  /** UpdateTable with the VersionId read; on a conflict, the change carried onto a fresh read, up to conflictRetries times. */
  private async updateTable(body: TableRequest): Promise<void> {
    const key = readKey(body.DatabaseName, body.Name)
    const object = `${body.DatabaseName}.${body.Name}`
    const base = parseAthenaDefinition(this.reads.get(key))
    if (base === undefined || base.version !== body.VersionId) throw this.notFromRead(object)
    const changes = changesBetween(base.input, body.TableInput)
    let request: TableRequest | undefined = this.moved.has(key) ? await this.freshTable(body, changes) : body
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
    for (const [key, definition] of definitions) {
      this.reads.set(key, definition)
      this.moved.delete(key)
    }
  }

  private notFromRead(object: string): RevmetaError {
    return new RevmetaError('CONCURRENT_MODIFICATION', `The request for ${object} was not made from the read this client holds (read back again, or the object changed): not sent`, {
      retryable: true,
      details: { engine: 'athena', object },
    })
  }

  private async call<T>(action: string, object: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw classifyGlueError(error, { action, ...(object !== undefined ? { object } : {}), secrets: this.secrets.list })
    }
  }
}
