import type { Connector } from '../../src/connectors/connector.js'
import type { Level } from '../../src/model/asset.js'

export type Kind = 'description' | 'tags' | 'owners'
export const kinds: readonly Kind[] = ['description', 'tags', 'owners']

/**
 * The odd names every fixture creates. Every one holds a dot, a single quote and a space; the
 * table, view and column also a double quote (OpenMetadata allows one, escaped as \" in an FQN),
 * a backtick and a backslash, so each engine's identifier quoting is tried on every character it
 * must escape. Schemas keep to the first three: a MariaDB schema is a database, named on disk.
 */
export const oddNames = {
  schema: "s.o'dd sch",
  table: 't.o\'dd "tab" `b` \\x',
  view: 'v.o\'dd "view" `b` \\x',
  column: 'c.o\'dd "col" `b` \\x',
  hostileTable: "h.o'dd",
} as const

/** Where a value sits: a level, and for tables and columns whether the relation is the view. */
export interface Place {
  readonly level: Level
  readonly view?: boolean
  /** A column of the hostile-strings table instead of the odd-named column. */
  readonly hostileColumn?: string
  /**
   * The column is spelled with plain dots, as OpenMetadata's tag fields spell it
   * (`columns.c.o'dd ….tags`): the engine must settle it against the columns it reads back.
   */
  readonly unquoted?: boolean
}

/** A fresh target of one engine: its service entry for the config, and reads that go to the engine itself, not through revmeta. */
export interface ConformanceTarget {
  /** The `services:` entry (name, type, connection, ...); relative paths resolve against `baseDir`. */
  readonly service: Record<string, unknown>
  readonly baseDir: string
  /** The catalog's database part of every FQN (a label on engines without databases). */
  readonly database: string
  /** The odd-named schema, where it must be unique on a shared server (MariaDB: a schema is a database); default `oddNames.schema`. */
  readonly schema?: string
  /**
   * The odd table, view and column names, where the engine cannot hold one of oddNames' characters
   * (an Oracle identifier cannot hold a double quote); default `oddNames`.
   */
  readonly names?: { readonly table: string; readonly view: string; readonly column: string }
  /** The principal owners are set to, as sent and as read back. */
  readonly owner: string
  /** The engine's description of a place (null for none); '' where the engine stores "no description" as ''. */
  description(place: Place): Promise<string | null>
  /** The engine's owner of a place. */
  ownerOf(place: Place): Promise<string | null>
  /** The tags on a place as `classification.name` (engines with native tags only). */
  tagsOf?(place: Place): Promise<string[]>
  /** What a column with no description reads as: null, or '' on engines that store ''. */
  readonly noDescription: string | null
  close(): Promise<void>
}

/**
 * One engine of the conformance suite. `readme` is the support-matrix claim of README.md written
 * out as levels: the suite checks it against capabilitiesOf(dialect) and against the README row,
 * so README, dialect and test cannot drift apart.
 */
export interface ConformanceFixture {
  /** The connector's registry name (`type:`). */
  readonly engine: string
  readonly tier: 'live' | 'wire' | 'golden'
  /** The README row's engine cell starts with this text. */
  readonly readmeRow: string
  /** The levels README claims per kind; [] is `unsupported`. */
  readonly readme: Readonly<Record<Kind, readonly Level[]>>
  /** Whether the target has a view (descriptions written to it as a table-level object). */
  readonly hasView: boolean
  /** Hostile cases this engine refuses, with the code; every other case must read back exactly. */
  readonly refuses: Readonly<Record<string, string>>
  /**
   * Cells where the stand-in engine differs from the real one (Redshift on PostgreSQL): the
   * statement is sent and the stand-in holds the value, but revmeta's read-back for the real
   * engine cannot see it, so the operation fails with this code. Each entry says why.
   */
  readonly standInGaps?: Readonly<Record<string, { readonly code: string; readonly why: string }>>
  /** How the engine holds a tag written as `tagFQN`, when it rewrites tags (BigQuery's lowercase labels); default: as written. */
  readonly storedTag?: (tagFQN: string) => string
  /**
   * Golden tier: the client used in place of the driver's (no server runs here), over a model of
   * the engine that takes statements through the golden decoder; the suite swaps it in through
   * the registry. Live and wire fixtures leave it out.
   */
  readonly standInClient?: Connector['createClient']
  /** A fresh target holding the odd-named objects and the hostile table (one text column per case). */
  open(hostileColumns: readonly string[]): Promise<ConformanceTarget>
}
