import { RevmetaError } from '../../errors/revmeta-error.js'
import type { ObjectTarget, SqlStatement, TagDefinition } from '../connector.js'
import { lastValuePerKey } from '../kit/last-value-per-key.js'

/**
 * What tag rendering needs of the Snowflake dialect (SnowflakeDialect implements it). An
 * interface rather than the class, so the dialect can hold the tags renderer without a cycle.
 */
export interface SnowflakeTagWriter {
  readonly name: string
  quoteIdentifier(name: string): string
  quoteLiteral(value: string): string
  objectKeyword(target: ObjectTarget, kind: 'description' | 'owner' | 'tags'): string
  objectName(target: ObjectTarget): string
  columnAlterHead(target: ObjectTarget): string | undefined
  statement(target: ObjectTarget, sql: string): SqlStatement
  unsupported(target: ObjectTarget, why: string): RevmetaError
}

/** Snowflake's documented limit on a tag value, in characters. */
export const maxSnowflakeTagValueLength = 256

/** One tag after the channel's mapping: the classification is the tag's name, the value its value. */
export interface SnowflakeTag {
  readonly key: string
  readonly value: string
}

export interface SnowflakeTagChange {
  readonly add: readonly SnowflakeTag[]
  /** Tags to take off, by name (a value, when given, is ignored: an object holds one value per tag). */
  readonly remove: readonly (string | SnowflakeTag)[]
}

export interface SnowflakeTagOptions {
  /** Where tags live; default: the asset's own database and schema, as OpenMetadata does. */
  readonly tagSchema?: { readonly database: string; readonly schema: string }
  /** Sends CREATE TAG IF NOT EXISTS for every tag set, first. */
  readonly createTags?: boolean
}

type TagHome = { readonly database: string; readonly schema: string }

/**
 * Native tag statements for one asset: SET TAG for the tags to add, UNSET TAG for those to
 * remove, each tag fully qualified (an unqualified name would resolve in whatever database the
 * session is in). A tag both removed and added is only set: setting replaces the value.
 * Throws VALUE_TOO_LONG, TAG_VALUE_NOT_ALLOWED or TAG_SCHEMA_UNKNOWN before anything is
 * rendered, so nothing half-applies.
 */
export function renderSnowflakeTags(dialect: SnowflakeTagWriter, target: ObjectTarget, change: SnowflakeTagChange, options: SnowflakeTagOptions = {}): SqlStatement[] {
  const add = lastValuePerKey(change.add)
  for (const tag of add) checkValue(tag, target, snowflakeTagHome(target, tag.key, options))
  const added = new Set(add.map((tag) => tag.key))
  const remove = [...new Set(change.remove.map((tag) => (typeof tag === 'string' ? tag : tag.key)))].filter((key) => !added.has(key))
  const qualified = (key: string): string => snowflakeTagName(dialect, target, key, options)

  const statements: SqlStatement[] = []
  if (options.createTags === true) {
    for (const tag of add) statements.push(dialect.statement(target, `CREATE TAG IF NOT EXISTS ${qualified(tag.key)}`))
  }
  const head = alterHead(dialect, target)
  if (add.length > 0) statements.push(dialect.statement(target, `${head} SET TAG ${add.map((tag) => `${qualified(tag.key)} = ${dialect.quoteLiteral(tag.value)}`).join(', ')}`))
  if (remove.length > 0) statements.push(dialect.statement(target, `${head} UNSET TAG ${remove.map(qualified).join(', ')}`))
  return statements
}

/** `"DB"."SCHEMA"."TAG"`: in the configured tag schema, the asset's own, or (a database) the one holding the tag. */
export function snowflakeTagName(dialect: SnowflakeTagWriter, target: ObjectTarget, key: string, options: SnowflakeTagOptions = {}): string {
  const home = snowflakeTagHome(target, key, options)
  return [home.database, home.schema, key].map((part) => dialect.quoteIdentifier(part)).join('.')
}

/**
 * Where tag `key` lives for this object. A database has no schema of its own: without tagSchema
 * its tag is the one of that name the database holds in exactly one schema, as read back (SHOW
 * TAGS IN DATABASE); none, several, or nothing read back (offline) is TAG_SCHEMA_UNKNOWN.
 */
export function snowflakeTagHome(target: ObjectTarget, key: string, options: SnowflakeTagOptions = {}): TagHome {
  if (options.tagSchema !== undefined) return options.tagSchema
  const { asset } = target
  if (asset.schema !== undefined) return { database: asset.database, schema: asset.schema }
  const found = (target.tagDefinitions?.get(key) ?? []).filter((tag) => tag.home.length === 2 && tag.home[0] === asset.database)
  if (found.length === 1) return { database: asset.database, schema: found[0]?.home[1] ?? '' }
  const why =
    target.tagDefinitions === undefined
      ? 'tags were not read back (an offline plan), so the schema holding it is not known'
      : found.length === 0
        ? `database ${JSON.stringify(asset.database)} holds no tag of that name`
        : `database ${JSON.stringify(asset.database)} holds tags of that name in schemas ${found.map((tag) => JSON.stringify(tag.home[1])).join(', ')}`
  throw new RevmetaError('TAG_SCHEMA_UNKNOWN', `Tag ${JSON.stringify(key)} on database ${JSON.stringify(asset.database)}: a database has no schema of its own and tagSchema is not set; ${why}`, {
    details: { engine: 'snowflake', level: asset.level, tag: key },
  })
}

/** `ALTER DATABASE "D"`, `ALTER TABLE "D"."S"."T"`, or `ALTER TABLE "D"."S"."T" MODIFY COLUMN "C"`. */
function alterHead(dialect: SnowflakeTagWriter, target: ObjectTarget): string {
  if (target.asset.level !== 'column') return `ALTER ${dialect.objectKeyword(target, 'tags')} ${dialect.objectName(target)}`
  const head = dialect.columnAlterHead(target)
  if (head === undefined) throw dialect.unsupported(target, 'Columns of this relation take no tags')
  return `${head} MODIFY COLUMN ${dialect.quoteIdentifier(target.asset.column ?? '')}`
}

function checkValue(tag: SnowflakeTag, target: ObjectTarget, home: TagHome): void {
  const length = [...tag.value].length
  if (length > maxSnowflakeTagValueLength) {
    throw new RevmetaError('VALUE_TOO_LONG', `The value of tag ${JSON.stringify(tag.key)} is ${length} characters long; snowflake allows at most ${maxSnowflakeTagValueLength}`, {
      details: { engine: 'snowflake', tag: tag.key, characters: length, maxCharacters: maxSnowflakeTagValueLength },
    })
  }
  const allowed = definitionAt(target, tag.key, home)?.allowedValues
  // Snowflake compares values exactly (case and spaces count), so the check does too.
  if (allowed !== undefined && !allowed.includes(tag.value)) {
    const shown = allowed.slice(0, 20).map((value) => JSON.stringify(value)).join(', ') + (allowed.length > 20 ? `, … (${allowed.length} in all)` : '')
    throw new RevmetaError('TAG_VALUE_NOT_ALLOWED', `Tag ${[home.database, home.schema, tag.key].join('.')} does not allow the value ${JSON.stringify(tag.value)} (allowed: ${shown})`, {
      details: { engine: 'snowflake', tag: tag.key, tagDatabase: home.database, tagSchema: home.schema, allowedValues: allowed.length },
    })
  }
}

/** The read-back definition of the tag that will be set, if it exists (a tag yet to be created has none). */
function definitionAt(target: ObjectTarget, key: string, home: TagHome): TagDefinition | undefined {
  return target.tagDefinitions?.get(key)?.find((tag) => tag.home[0] === home.database && tag.home[1] === home.schema)
}
