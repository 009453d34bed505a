import type { z } from 'zod'
import type { RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef, Level } from '../model/asset.js'

/** The kind of object an asset is in the source; read back, because SQL differs (COMMENT ON VIEW ...). */
export type ObjectType =
  | 'database'
  | 'schema'
  | 'table'
  | 'partitioned_table'
  | 'view'
  | 'materialized_view'
  | 'foreign_table'
  | 'column'

/**
 * What an engine can hold. Core code reads these flags and never branches on an engine's name.
 * A level missing from a list means the engine cannot do that kind there: the operation is
 * reported `unsupported`, never sent.
 */
export interface Capabilities {
  readonly descriptionLevels: readonly Level[]
  readonly ownerLevels: readonly Level[]
  readonly tagLevels: readonly Level[]
  /** 'one' engines keep a single owner per object (PostgreSQL roles); 'many' engines keep a list. */
  readonly ownerCardinality: 'one' | 'many'
  /** Longest description per level, in code points or UTF-8 bytes; absent means no practical limit. */
  readonly maxDescriptionLength: Partial<Record<Level, { readonly max: number; readonly unit: 'characters' | 'bytes' }>>
  /** The engine stores an empty description as no description (PostgreSQL does). */
  readonly emptyDescriptionIsNull: boolean
  /** The engine can read current metadata back, so writes can be skipped when in place and verified after. */
  readonly readBack: boolean
}

/** The object a statement acts on, with its type as read back (or assumed when offline). */
export interface ObjectTarget {
  readonly asset: AssetRef
  readonly objectType: ObjectType
  /**
   * The object's own definition as read back, for engines whose statements must restate it
   * (MySQL's MODIFY COLUMN restates the whole column). Absent offline.
   */
  readonly definition?: string
}

/** SQL to run on a connection to `database` (the engine's own database name). */
export interface SqlStatement {
  readonly kind: 'sql'
  readonly database: string
  readonly sql: string
}

/** An operation rendered for one engine. API-driven engines add their own variant later. */
export type Statement = SqlStatement

export interface SessionOptions {
  /** How long one statement may wait for a lock before it fails (and may be retried). */
  readonly lockTimeoutMs: number
}

/**
 * Pure rendering for one engine: quoting, escaping, statements. No I/O, no driver imports, so
 * every byte it produces is testable without a database.
 */
export interface Dialect {
  readonly name: string
  readonly capabilities: Capabilities
  /** Quotes a name as an identifier; throws NAME_TOO_LONG or VALUE_INVALID. */
  quoteIdentifier(name: string): string
  /** Quotes a value as a string literal that reads back as exactly `value`; throws VALUE_INVALID. */
  quoteLiteral(value: string): string
  /** Statements every new session runs before any change (lock timeout, ...). */
  sessionSetup(options: SessionOptions): string[]
  renderDescription(target: ObjectTarget, description: string | null): Statement[]
  renderOwner(target: ObjectTarget, principal: string): Statement[]
}

/** Current metadata of one object in the source. */
export interface ObjectState {
  readonly objectType: ObjectType
  readonly description: string | null
  /** The owning principal, where the engine has owners. */
  readonly owner?: string | null
  /** Key/value tags, where the engine has tags and reads them back. */
  readonly tags?: readonly { readonly key: string; readonly value: string }[]
  /** Engine-specific definition the dialect needs to restate the object (see ObjectTarget). */
  readonly definition?: string
}

/**
 * Facts about the live session that change how SQL must be written (MySQL's sql_mode decides
 * whether backslash escapes). Read once per connection; the dialect stays pure and takes them as input.
 */
export type SessionFacts = Readonly<Record<string, string>>

/** Read-back result keyed by assetFqn(asset). A missing key means the object does not exist. */
export type StateSnapshot = ReadonlyMap<string, ObjectState>

export type UnitResult = { readonly ok: true } | { readonly ok: false; readonly error: RevmetaError }

/** I/O for one service: executes statements and reads metadata back. Never builds SQL itself. */
export interface ConnectorClient {
  /**
   * Reads the current metadata of the given assets in bulk (PostgreSQL: one query per database
   * for all schemas involved). The snapshot may hold more objects than asked for.
   */
  readBack(assets: readonly AssetRef[]): Promise<StateSnapshot>
  /**
   * Runs units — each the statements of one operation — on a connection to `database`, in as few
   * round trips as the driver allows. Returns one result per unit, in order; a failing unit never
   * hides the outcome of the others.
   */
  execute(database: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]>
  /**
   * The catalog databases this service holds, as the catalog names them (PostgreSQL: the
   * configured database; MySQL and ClickHouse: the `default` label), for ingestion.
   */
  listDatabases?(): Promise<string[]>
  /** The schemas of one catalog database, system schemas left out, for ingestion. */
  listSchemas?(database: string): Promise<string[]>
  /** Facts the dialect must follow for this session; engines whose SQL never depends on the session omit it. */
  sessionFacts?(): Promise<SessionFacts>
  close(): Promise<void>
}

export interface ClientContext {
  /** The catalog's service name: the first part of every FQN this client reads back. */
  readonly service: string
  readonly dialect: Dialect
}

/** One engine: its connection schema, its pure dialect, and a lazily loaded client. */
export interface Connector<C = unknown> {
  readonly name: string
  readonly connectionSchema: z.ZodType<C>
  /** `facts` come from the live session when there is one; without them the dialect assumes the engine's defaults. */
  createDialect(connection: C, facts?: SessionFacts): Dialect
  /** Loads the driver on first use, so unused engines cost nothing. */
  createClient(connection: C, context: ClientContext): Promise<ConnectorClient>
  /**
   * Batches of this engine a worker runs at once, unless the service says otherwise: engines
   * whose DDL serializes anyway (one writer, one metadata lock) gain nothing from more. Default 1.
   */
  readonly defaultConcurrency?: number
}
