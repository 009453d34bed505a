import type { z } from 'zod'
import type { Statement } from '../model/statement.js'
import type { RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef, Level } from '../model/asset.js'
import type { PrivilegeNeed, PrivilegeReport } from '../model/privilege.js'

export type { PrivilegeFinding, PrivilegeKind, PrivilegeNeed, PrivilegeReport } from '../model/privilege.js'

/**
 * Object types every engine may share, with the level each sits at. An engine may read back a type
 * of its own (Snowflake's hybrid tables, ...): any string is an ObjectType, and the engine's own
 * dialect gives it meaning. Core code only passes types through (and assumes one per level offline).
 */
export const wellKnownObjectTypes = {
  database: 'database',
  schema: 'schema',
  table: 'table',
  view: 'table',
  materialized_view: 'table',
  external_table: 'table',
  dynamic_table: 'table',
  iceberg_table: 'table',
  partitioned_table: 'table',
  foreign_table: 'table',
  column: 'column',
  /** A field inside a struct column, read back by engines whose dialect writes nested fields (keyed by the nested asset's FQN). */
  field: 'column',
} as const satisfies Record<string, Level>

export type WellKnownObjectType = keyof typeof wellKnownObjectTypes
// `string & {}` keeps editor completion for the well-known names while accepting any other.
export type ObjectType = WellKnownObjectType | (string & {})

/** The level a well-known object type sits at; undefined for an engine's own types. */
export function objectTypeLevel(objectType: ObjectType): Level | undefined {
  return Object.hasOwn(wellKnownObjectTypes, objectType) ? wellKnownObjectTypes[objectType as WellKnownObjectType] : undefined
}

/** The type assumed for an asset when nothing was read back (planning offline). */
export const assumedObjectType: Readonly<Record<Level, ObjectType>> = { database: 'database', schema: 'schema', table: 'table', column: 'column' }

/**
 * `characters` are code points, `bytes` UTF-8 bytes, `utf16-bytes` the bytes of UTF-16 text
 * (SQL Server's nvarchar: two per code unit, four per emoji).
 */
export type LengthLimit = { readonly max: number; readonly unit: 'characters' | 'bytes' | 'utf16-bytes' }

/**
 * What an engine can hold, derived from its dialect's renderers by capabilitiesOf(): core code
 * reads these flags and never branches on an engine's name. A level missing from a list means
 * the engine cannot do that kind there: the operation is reported `unsupported`, never sent.
 */
export interface Capabilities {
  readonly descriptionLevels: readonly Level[]
  readonly ownerLevels: readonly Level[]
  readonly tagLevels: readonly Level[]
  /** 'one' engines keep a single owner per object (PostgreSQL roles); 'many' engines keep a list. */
  readonly ownerCardinality: 'one' | 'many'
  /** Longest description per level, in code points or UTF-8 bytes; absent means no practical limit. */
  readonly maxDescriptionLength: Partial<Record<Level, LengthLimit>>
  /** The engine stores an empty description as no description (PostgreSQL does). */
  readonly emptyDescriptionIsNull: boolean
  /** The engine can read current metadata back, so writes can be skipped when in place and verified after. */
  readonly readBack: boolean
  /** Longest tag value the engine stores (Snowflake: 256 characters); absent means no practical limit. */
  readonly maxTagValueLength?: LengthLimit
  /**
   * The kinds the engine can write on a field inside a nested (struct) column, from its renderers'
   * `nestedFields`: an operation on such a field is `unsupported` for any other kind, never sent
   * to a top-level column of the same name. Absent when none (most engines).
   */
  readonly nestedFieldKinds?: readonly ('description' | 'tags')[]
  /** Levels where a new owner also loses the object every permission granted on it (SQL Server); absent: none. */
  readonly ownerChangeDropsPermissions?: readonly Level[]
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
  /** Tags the engine holds that may be set on the object, as read back (see TagDefinition). Absent offline. */
  readonly tagDefinitions?: TagDefinitions
}

/**
 * A tag the engine defines (Snowflake: a schema-level object), as read back: where it lives and,
 * when restricted, the only values it accepts. A renderer refuses a value outside them before
 * anything is sent; a tag not read back (offline, or not created yet) has no known restriction.
 */
export interface TagDefinition {
  /** The container the tag lives in, outermost first (Snowflake: database, schema). */
  readonly home: readonly string[]
  /** Absent: any value. */
  readonly allowedValues?: readonly string[]
}

/** Tag definitions by tag name; several when tags of one name live in several places. */
export type TagDefinitions = ReadonlyMap<string, readonly TagDefinition[]>

export type { ApiStatement, HttpMethod, SqlStatement, Statement } from '../model/statement.js'

export interface SessionOptions {
  /** How long one statement may wait for a lock before it fails (and may be retried). */
  readonly lockTimeoutMs: number
}

/** A tag as an engine stores it, after the channel's tag mapping: classification (key) and value. */
export interface NativeTag {
  readonly key: string
  readonly value: string
}

/** The tags one operation adds to and removes from one object. */
export interface TagChange {
  readonly add: readonly NativeTag[]
  readonly remove: readonly NativeTag[]
}

/**
 * Renders one kind. `levels` is where the engine can hold the kind: the capabilities come from
 * it, so what a dialect claims and what it renders cannot disagree. A renderer may still throw
 * UNSUPPORTED for one object type at a supported level (a Redshift external table).
 */
export interface KindRenderer<V> {
  /** Default: every level the kind exists at (owners: database, schema, table). */
  readonly levels?: readonly Level[]
  render(target: ObjectTarget, value: V): Statement[]
}

/**
 * Renderers of kinds that can sit on a nested (struct) field say whether they can write one: the
 * target's `asset.path` then names the field inside `asset.column` (BigQuery's and Databricks'
 * STRUCT fields). Default: false, and such operations are `unsupported`.
 */
interface NestedFieldRenderer {
  readonly nestedFields?: boolean
  /** Why the engine cannot write this kind on a nested field, added to such an operation's `unsupported` report. */
  readonly nestedFieldsUnsupported?: string
}

export interface DescriptionRenderer extends KindRenderer<string | null>, NestedFieldRenderer {
  /** Default: no limit at any level. */
  readonly maxLength?: Partial<Record<Level, LengthLimit>>
  /** The engine stores '' as no description. Default: false. */
  readonly emptyIsNull?: boolean
}

export interface OwnerRenderer extends KindRenderer<string> {
  /** Default: 'one'. */
  readonly cardinality?: 'one' | 'many'
  /**
   * The principal set when the catalog removes every owner, on engines that keep one owner on
   * every object (a configured fallback); absent: such a removal is OWNER_REMOVAL_UNSUPPORTED.
   */
  readonly fallbackPrincipal?: string
  /**
   * Levels where the engine drops every permission on an object when its owner changes (SQL
   * Server's ALTER AUTHORIZATION): each such change is announced in the plan and refused unless
   * the channel opts in (`options.owners.allowPermissionDrop`). Default: none.
   */
  readonly dropsPermissionsAt?: readonly Level[]
}

export interface TagRenderer extends KindRenderer<TagChange>, NestedFieldRenderer {
  /** Default: no limit. */
  readonly maxValueLength?: LengthLimit
  /**
   * The form the engine stores a tag in, when it rewrites tags (BigQuery's label rules); throws a
   * coded error for a tag it cannot hold. Tags are rendered, checked for ambiguity and compared
   * with the read-back in this form. Default: as given.
   */
  stored?(tag: NativeTag): NativeTag
}

/**
 * Pure rendering for one engine: quoting, escaping, one renderer per kind it can write. No I/O,
 * no driver imports, so every byte it produces is testable without a database. A kind without a
 * renderer is `unsupported` (a channel's custom template still writes it).
 */
export interface Dialect {
  readonly name: string
  /** Quotes a name as an identifier; throws NAME_TOO_LONG or VALUE_INVALID. */
  quoteIdentifier(name: string): string
  /** Quotes a value as a string literal that reads back as exactly `value`; throws VALUE_INVALID. */
  quoteLiteral(value: string): string
  /** Statements every new session runs before any change (lock timeout, ...). */
  sessionSetup(options: SessionOptions): string[]
  readonly description?: DescriptionRenderer
  readonly tags?: TagRenderer
  readonly owners?: OwnerRenderer
  /** The client reads current metadata back (skip what is in place, verify what was written). Default: true. */
  readonly readBack?: boolean
  /** Why a kind is missing or limited in this engine, added to its `unsupported` reports (Oracle: an object's owner is its schema). */
  readonly unsupportedReasons?: Partial<Record<'description' | 'tags' | 'owners', string>>
}

const allLevels: readonly Level[] = ['database', 'schema', 'table', 'column']
const ownerDefaultLevels: readonly Level[] = ['database', 'schema', 'table']
const derived = new WeakMap<Dialect, Capabilities>()

/** The one place capabilities come from: what the dialect renders, with the defaults documented on each renderer. */
export function capabilitiesOf(dialect: Dialect): Capabilities {
  let caps = derived.get(dialect)
  if (caps === undefined) {
    const { description, tags, owners } = dialect
    caps = Object.freeze({
      descriptionLevels: description ? (description.levels ?? allLevels) : [],
      ownerLevels: owners ? (owners.levels ?? ownerDefaultLevels) : [],
      tagLevels: tags ? (tags.levels ?? allLevels) : [],
      ownerCardinality: owners?.cardinality ?? 'one',
      maxDescriptionLength: description?.maxLength ?? {},
      emptyDescriptionIsNull: description?.emptyIsNull ?? false,
      readBack: dialect.readBack ?? true,
      ...(tags?.maxValueLength ? { maxTagValueLength: tags.maxValueLength } : {}),
      ...(description?.nestedFields || tags?.nestedFields
        ? { nestedFieldKinds: [...(description?.nestedFields ? ['description' as const] : []), ...(tags?.nestedFields ? ['tags' as const] : [])] }
        : {}),
      ...(owners?.dropsPermissionsAt?.length ? { ownerChangeDropsPermissions: owners.dropsPermissionsAt } : {}),
    })
    derived.set(dialect, caps)
  }
  return caps
}

/** Current metadata of one object in the source. */
export interface ObjectState {
  readonly objectType: ObjectType
  readonly description: string | null
  /** The owning principal, where the engine has owners. */
  readonly owner?: string | null
  /**
   * Key/value tags, where the engine has tags and reads them back. `inherited` marks a tag the
   * object only inherits from a parent (Snowflake): it neither counts as in place nor clashes.
   */
  readonly tags?: readonly { readonly key: string; readonly value: string; readonly inherited?: boolean }[]
  /** Engine-specific definition the dialect needs to restate the object (see ObjectTarget). */
  readonly definition?: string
  /** The tags that may be set on the object, where the engine defines tags apart from objects. */
  readonly tagDefinitions?: TagDefinitions
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
   * Runs units — each the statements of one operation — on a connection to `route` (routeOf():
   * the database of SQL statements, the endpoint of API requests), in as few round trips as the
   * driver allows. Returns one result per unit, in order; a failing unit never
   * hides the outcome of the others.
   */
  execute(route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]>
  /**
   * The catalog databases this service holds, as the catalog names them (PostgreSQL: the
   * configured database; MySQL and ClickHouse: the `default` label), for ingestion.
   */
  listDatabases?(): Promise<string[]>
  /** The schemas of one catalog database, system schemas left out, for ingestion. */
  listSchemas?(database: string): Promise<string[]>
  /** Facts the dialect must follow for this session; engines whose SQL never depends on the session omit it. */
  sessionFacts?(): Promise<SessionFacts>
  /**
   * `revmeta check`: the engine's version and, for every need (kind × level), whether this
   * connection holds what writing it takes, with the statement that would grant what is missing.
   * The queries and the rows → findings step are pure, in the connector's `<name>-privileges.ts`;
   * the client only runs them. Absent: the connector cannot check (reported, not guessed).
   */
  checkPrivileges?(needs: readonly PrivilegeNeed[]): Promise<PrivilegeReport>
  close(): Promise<void>
}

export interface ClientContext {
  /** The catalog's service name: the first part of every FQN this client reads back. */
  readonly service: string
  readonly dialect: Dialect
}

/**
 * A rate limit of the engine's own that the executor honours: at most `limit` statements with the
 * same key start in any `windowMs` (BigQuery: five metadata updates per table every ten seconds).
 * `keyOf` names what the limit counts (a table's path); undefined leaves a statement unpaced.
 */
export interface StatementPacing {
  readonly limit: number
  readonly windowMs: number
  keyOf(statement: Statement): string | undefined
  /**
   * The client sends all units of one key in one call as a single request (BigQuery combines the
   * patches of one table), so a call counts one start per key however many units it holds.
   * Default: false, every unit counts.
   */
  readonly combinesPerKey?: boolean
}

/** One engine: its connection schema, its pure dialect, and a lazily loaded client. */
/**
 * How far the connector is proven here: `live` against the real engine in `npm test`, `wire` the
 * official client against a loopback endpoint of the test suite, `golden` rendered statements
 * only. The conformance suite checks it against its fixture; the Services page shows it.
 */
export type ConnectorTier = 'live' | 'wire' | 'golden'

export interface Connector<C = unknown, D extends Dialect = Dialect> {
  readonly name: string
  readonly tier: ConnectorTier
  readonly connectionSchema: z.ZodType<C>
  /** `facts` come from the live session when there is one; without them the dialect assumes the engine's defaults. */
  createDialect(connection: C, facts?: SessionFacts): D
  /** Loads the driver on first use, so unused engines cost nothing. */
  createClient(connection: C, context: ClientContext): Promise<ConnectorClient>
  /**
   * Batches of this engine a worker runs at once, unless the service says otherwise: engines
   * whose DDL serializes anyway (one writer, one metadata lock) gain nothing from more. Default 1.
   */
  readonly defaultConcurrency?: number
  /** Paces statements per key in the executor; absent: no pacing beyond the service's own rate. */
  readonly pacing?: StatementPacing
}
