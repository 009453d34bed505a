import { RevmetaError } from '../../errors/revmeta-error.js'
import type { ObjectTarget, SqlStatement } from '../connector.js'
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
  /** Values each tag accepts (its ALLOWED_VALUES as read back); a tag not listed takes any value. */
  readonly allowedValues?: Readonly<Record<string, readonly string[]>>
}

/**
 * Native tag statements for one asset: SET TAG for the tags to add, UNSET TAG for those to
 * remove, each tag fully qualified (an unqualified name would resolve in whatever database the
 * session is in). A tag both removed and added is only set: setting replaces the value.
 * Throws VALUE_TOO_LONG or VALUE_INVALID before anything is rendered, so nothing half-applies.
 */
export function renderSnowflakeTags(dialect: SnowflakeTagWriter, target: ObjectTarget, change: SnowflakeTagChange, options: SnowflakeTagOptions = {}): SqlStatement[] {
  const add = lastValuePerKey(change.add)
  for (const tag of add) checkValue(tag, options)
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

/** `"DB"."SCHEMA"."TAG"`: in the configured tag schema, or the asset's own. */
export function snowflakeTagName(dialect: SnowflakeTagWriter, target: ObjectTarget, key: string, options: SnowflakeTagOptions = {}): string {
  const home = options.tagSchema ?? (target.asset.schema !== undefined ? { database: target.asset.database, schema: target.asset.schema } : undefined)
  if (home === undefined) {
    throw new RevmetaError('CONFIG_INVALID', 'A tag on a database needs tagSchema (database.schema where the tags live): a database has no schema of its own', {
      details: { engine: dialect.name, level: target.asset.level, tag: key },
    })
  }
  return [home.database, home.schema, key].map((part) => dialect.quoteIdentifier(part)).join('.')
}

/** `ALTER DATABASE "D"`, `ALTER TABLE "D"."S"."T"`, or `ALTER TABLE "D"."S"."T" MODIFY COLUMN "C"`. */
function alterHead(dialect: SnowflakeTagWriter, target: ObjectTarget): string {
  if (target.asset.level !== 'column') return `ALTER ${dialect.objectKeyword(target, 'tags')} ${dialect.objectName(target)}`
  const head = dialect.columnAlterHead(target)
  if (head === undefined) throw dialect.unsupported(target, 'Columns of this relation take no tags')
  return `${head} MODIFY COLUMN ${dialect.quoteIdentifier(target.asset.column ?? '')}`
}

function checkValue(tag: SnowflakeTag, options: SnowflakeTagOptions): void {
  const length = [...tag.value].length
  if (length > maxSnowflakeTagValueLength) {
    throw new RevmetaError('VALUE_TOO_LONG', `The value of tag ${JSON.stringify(tag.key)} is ${length} characters long; snowflake allows at most ${maxSnowflakeTagValueLength}`, {
      details: { engine: 'snowflake', tag: tag.key, characters: length, maxCharacters: maxSnowflakeTagValueLength },
    })
  }
  const allowed = options.allowedValues?.[tag.key]
  if (allowed !== undefined && !allowed.includes(tag.value)) {
    throw new RevmetaError('VALUE_INVALID', `Tag ${JSON.stringify(tag.key)} does not allow the value ${JSON.stringify(tag.value)} (allowed: ${allowed.map((value) => JSON.stringify(value)).join(', ')})`, {
      details: { engine: 'snowflake', tag: tag.key },
    })
  }
}
