import type { Connection, ConnectionOptions } from 'snowflake-sdk'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import { displayOf } from '../../model/statement.js'
import type { ClientContext, ConnectorClient, ObjectState, PrivilegeNeed, PrivilegeReport, StateSnapshot, Statement, TagDefinition, UnitResult } from '../connector.js'
import { KnownSecrets } from '../kit/known-secrets.js'
import { readSecretFile } from '../kit/secret-file.js'
import { checkUnit } from '../kit/sql-batch.js'
import { planSnowflakeBatches } from './snowflake-batch.js'
import type { SnowflakeConnection } from './snowflake-connection.js'
import type { SnowflakeDialect } from './snowflake-dialect.js'
import { classifySnowflakeError } from './snowflake-errors.js'
import { snowflakeIdentitySql, snowflakeOwnersSql, snowflakePrivilegeFindings, snowflakeRoleGrantsSql } from './snowflake-privileges.js'
import {
  groupSnowflakeTargets,
  snowflakeAccountTagQuery,
  snowflakeContainerTagQuery,
  snowflakeReadBackQueries,
  snowflakeSnapshot,
  snowflakeTagDefinitionQuery,
  snowflakeTagDefinitions,
  snowflakeTagQueries,
  type Row,
} from './snowflake-read-back.js'

type SnowflakeSdk = typeof import('snowflake-sdk')

/** Columns merged into one ALTER TABLE at most: a long statement fails as a whole. */
const maxColumnsPerAlter = 100

/** Loads snowflake-sdk now (not when the connector module is imported) and returns a client for one service. */
export async function createSnowflakeClient(connection: SnowflakeConnection, context: ClientContext): Promise<ConnectorClient> {
  // On load, snowflake-sdk probes cloud metadata services (169.254.169.254, metadata.google.internal,
  // AWS STS) to report the platform in telemetry. A metadata tool has no business calling them, and
  // the probe must be off before the module loads, so it is switched off here unless the operator
  // decided otherwise.
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true'
  const imported = (await import('snowflake-sdk')) as SnowflakeSdk & { default?: SnowflakeSdk }
  const sdk = imported.default ?? imported
  // The sdk's logger would write a snowflake.log file in the working directory and may echo
  // request details: revmeta reports errors itself.
  sdk.configure({ logLevel: 'OFF' })
  return new SnowflakeClient(sdk, connection, context)
}

/**
 * One session per service: Snowflake statements name their database in full, so unlike
 * PostgreSQL no connection per database is needed. The sdk renews an expired session token
 * (code 390112) and retries 5xx answers by itself.
 */
class SnowflakeClient implements ConnectorClient {
  private session: Promise<Connection> | undefined
  private readonly secrets: KnownSecrets
  private readonly dialect: SnowflakeDialect
  private readonly host: string

  constructor(
    private readonly sdk: SnowflakeSdk,
    private readonly connection: SnowflakeConnection,
    private readonly context: ClientContext,
  ) {
    this.dialect = context.dialect as SnowflakeDialect
    this.secrets = new KnownSecrets(connection.password, connection.token, connection.privateKeyPassphrase)
    this.host = connection.accessUrl ?? `${connection.account}.snowflakecomputing.com`
  }

  async execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> {
    const results: (UnitResult | undefined)[] = units.map((unit) => checkUnit(unit, database))
    const pending = units.map((unit, index) => (results[index] === undefined ? unit : []))
    let lost: RevmetaError | undefined
    const run = async (statements: readonly Statement[]): Promise<RevmetaError | undefined> => {
      if (lost !== undefined) return notAttempted(lost)
      try {
        for (const statement of statements) await this.run(displayOf(statement), database)
        return undefined
      } catch (error) {
        const coded = error instanceof RevmetaError ? error : this.classify(error, 'query', database)
        if (coded.code === 'CONNECTION_FAILED') lost = coded
        return coded
      }
    }
    for (const batch of planSnowflakeBatches(pending, maxColumnsPerAlter)) {
      if (batch.units.every((index) => results[index] !== undefined)) continue
      const error = await run(batch.statements)
      if (error === undefined) {
        for (const index of batch.units) results[index] ??= { ok: true }
        continue
      }
      if (!batch.merged || lost !== undefined) {
        for (const index of batch.units) results[index] ??= { ok: false, error }
        continue
      }
      // The merged ALTER failed as a whole (DDL is atomic): each column alone pins the failure.
      for (const index of batch.units) {
        const own = await run(units[index] ?? [])
        results[index] = own === undefined ? { ok: true } : { ok: false, error: own }
      }
    }
    return results.map((result) => result ?? { ok: true })
  }

  async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    const { tagSchema } = this.connection
    // With a tag schema, one SHOW covers every asset; otherwise one per database, below.
    const shared = tagSchema !== undefined ? await this.tagDefinitions(tagSchema, tagSchema.database) : undefined
    for (const [database, targets] of groupSnowflakeTargets(assets)) {
      const queries = snowflakeReadBackQueries(this.dialect, database, [...targets.schemas])
      const rows = async (sql: string | undefined): Promise<Row[]> => (sql === undefined ? [] : this.query(sql, database))
      const databases = await this.queryOrMissing(queries.databases, database)
      if (databases === undefined) continue
      const schemas = await rows(queries.schemas)
      const tables = await rows(queries.tables)
      const columns = await rows(queries.columns)
      const { tags, tagTables } = await this.readTags(database, [...targets.schemas], targets.tables, tables)
      const byName = shared ?? (await this.tagDefinitions({ database }, database))
      const tagDefinitions = { byName, ownSchemas: shared === undefined }
      snowflakeSnapshot(snapshot, this.context.service, database, { databases, schemas, tables, columns, tags, tagDefinitions, ...(tagTables !== undefined ? { tagTables } : {}) })
    }
    return snapshot
  }

  /** The configured database, or every database the role sees (SHOW needs no current database). */
  async listDatabases(): Promise<string[]> {
    if (this.connection.database !== undefined) return [this.connection.database]
    const rows = await this.query('SHOW TERSE DATABASES', '')
    return rows.map((row) => String(row.name)).filter((name) => name !== 'SNOWFLAKE' && name !== 'SNOWFLAKE_SAMPLE_DATA')
  }

  async listSchemas(database: string): Promise<string[]> {
    const rows = await this.query(`SELECT SCHEMA_NAME FROM ${this.dialect.quoteIdentifier(database)}.INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME <> 'INFORMATION_SCHEMA' ORDER BY SCHEMA_NAME`, database)
    return rows.map((row) => String(row.SCHEMA_NAME))
  }

  /**
   * `revmeta check`: who the session is, the role's account grants, and per database one query
   * for every owner; the findings are worked out in snowflake-privileges.ts.
   */
  async checkPrivileges(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport> {
    const [identity] = await this.query(snowflakeIdentitySql, '')
    const role = String(identity?.ROLE ?? '')
    const grants = role === '' ? [] : await this.query(snowflakeRoleGrantsSql(this.dialect.quoteIdentifier(role)), '')
    const objects: Row[] = []
    if (needs.some((n) => n.kind !== 'tags')) {
      for (const database of await this.listDatabases()) {
        objects.push(...(await this.query(snowflakeOwnersSql(this.dialect.quoteIdentifier(database), this.dialect.quoteLiteral(database)), database)))
      }
    }
    return snowflakePrivilegeFindings(needs, identity ?? {}, grants, objects, (name) => this.dialect.quoteIdentifier(name))
  }

  async close(): Promise<void> {
    const session = this.session
    this.session = undefined
    if (session === undefined) return
    const connection = await session.catch(() => undefined)
    if (connection === undefined) return
    await new Promise<void>((resolve) => connection.destroy(() => resolve()))
  }

  /**
   * The database's and the schemas' tags in one query, then the tables asked for that exist,
   * batched; or the account-wide view when configured.
   */
  private async readTags(database: string, schemas: readonly string[], asked: ReadonlyMap<string, ReadonlySet<string>>, tables: readonly Row[]): Promise<{ tags: Row[]; tagTables?: Set<string> }> {
    if (this.connection.tagReadBack === 'account_usage') return { tags: await this.query(snowflakeAccountTagQuery(this.dialect, database), database) }
    const existing = tables
      .map((row) => ({ schema: String(row.TABLE_SCHEMA), table: String(row.TABLE_NAME) }))
      .filter(({ schema, table }) => asked.get(schema)?.has(table) === true)
    const tags = await this.query(snowflakeContainerTagQuery(this.dialect, database, schemas), database)
    for (const sql of snowflakeTagQueries(this.dialect, database, existing, this.connection.tagBatchSize)) tags.push(...(await this.query(sql, database)))
    return { tags, tagTables: new Set(existing.map(({ schema, table }) => JSON.stringify([schema, table]))) }
  }

  /** SHOW TAGS as definitions by name; a tag schema that does not exist (yet) holds none. */
  private async tagDefinitions(scope: { database: string; schema?: string }, database: string): Promise<Map<string, TagDefinition[]>> {
    const rows = await this.queryOrMissing(snowflakeTagDefinitionQuery(this.dialect, scope), database)
    return snowflakeTagDefinitions(rows ?? [])
  }

  /** The database's own row, or undefined when Snowflake says the database does not exist. */
  private async queryOrMissing(sql: string, database: string): Promise<Row[] | undefined> {
    try {
      return await this.query(sql, database)
    } catch (error) {
      if (error instanceof RevmetaError && error.code === 'OBJECT_NOT_FOUND') return undefined
      throw error
    }
  }

  private async query(sql: string, database: string): Promise<Row[]> {
    return (await this.run(sql, database)) ?? []
  }

  private async run(sql: string, database: string): Promise<Row[] | undefined> {
    const session = this.connect()
    const connection = await session
    return new Promise((resolve, reject) => {
      connection.execute({
        sqlText: sql,
        complete: (error, _statement, rows) => {
          if (!error) return resolve(rows as Row[] | undefined)
          const coded = this.classify(error, 'query', database)
          // A session the sdk could not renew (master token expired) stays dead: the next
          // statement logs in afresh instead of failing the same way for ever.
          if (coded.code === 'CONNECTION_FAILED' && this.session === session) this.session = undefined
          reject(coded)
        },
      })
    })
  }

  private connect(): Promise<Connection> {
    this.session ??= this.login().catch((error: unknown) => {
      this.session = undefined
      throw error
    })
    return this.session
  }

  private async login(): Promise<Connection> {
    let connection: Connection
    try {
      connection = this.sdk.createConnection(await this.options())
    } catch (error) {
      throw this.classify(error, 'connect')
    }
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(this.classify(error, 'connect')) : resolve())))
    for (const sql of this.dialect.sessionSetup({ lockTimeoutMs: this.connection.lockTimeoutMs })) {
      await new Promise<void>((resolve, reject) => connection.execute({ sqlText: sql, complete: (error) => (error ? reject(this.classify(error, 'connect')) : resolve()) }))
    }
    return connection
  }

  /** The sdk's options; secrets are read from files now, so a rotated one is picked up at the next login. */
  private async options(): Promise<ConnectionOptions> {
    const c = this.connection
    const options: Record<string, unknown> = {
      account: c.account,
      username: c.username,
      application: 'revmeta',
      ...(c.accessUrl !== undefined ? { accessUrl: c.accessUrl } : {}),
      ...(c.warehouse !== undefined ? { warehouse: c.warehouse } : {}),
      ...(c.role !== undefined ? { role: c.role } : {}),
      ...(c.database !== undefined ? { database: c.database } : {}),
      sfRetryMaxNumRetries: c.maxRetries,
      sfRetryMaxLoginRetries: Math.max(1, c.maxRetries),
      sfRetryStartingSleepTime: 0.1,
      sfRetryMaxSleepTime: 4,
      clientSessionKeepAlive: false,
    }
    if (c.privateKeyPath !== undefined) {
      options.authenticator = 'SNOWFLAKE_JWT'
      options.privateKeyPath = c.privateKeyPath
      const passphrase = c.privateKeyPassphraseFile !== undefined ? await this.secretFile(c.privateKeyPassphraseFile, 'privateKeyPassphraseFile') : c.privateKeyPassphrase
      if (passphrase !== undefined) options.privateKeyPass = passphrase
    } else if (c.token !== undefined || c.tokenFile !== undefined) {
      options.authenticator = 'OAUTH'
      options.token = c.tokenFile !== undefined ? await this.secretFile(c.tokenFile, 'tokenFile') : c.token
    } else {
      options.password = c.passwordFile !== undefined ? await this.secretFile(c.passwordFile, 'passwordFile') : c.password
    }
    return options as unknown as ConnectionOptions
  }

  /** Reads a secret file; the secret is remembered so it can be blanked out of any message. */
  private async secretFile(file: string, key: string): Promise<string> {
    if (key === 'passwordFile') return this.secrets.readPasswordFile(file)
    const secret = await readSecretFile(file, key)
    this.secrets.add(secret)
    return secret
  }

  private classify(error: unknown, phase: 'connect' | 'query', database?: string): RevmetaError {
    return classifySnowflakeError(error, { engine: 'snowflake', phase, ...(database !== undefined ? { database } : {}), host: this.host, secrets: this.secrets.list })
  }
}

function notAttempted(lost: RevmetaError): RevmetaError {
  return new RevmetaError('CONNECTION_FAILED', `Not attempted: the connection was lost earlier in this batch (${lost.message})`, { details: lost.details, cause: lost, retryable: lost.retryable })
}
