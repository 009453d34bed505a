import { RevmetaError } from '../../errors/revmeta-error.js'
import type { NativeTag, ObjectTarget, SqlStatement, TagChange } from '../connector.js'
import { lastValuePerKey } from '../kit/last-value-per-key.js'
import { assertStorableText } from '../kit/text-checks.js'

/** What tag rendering needs of the dialect (DatabricksDialect implements it); an interface, so the two form no cycle. */
export interface DatabricksTagWriter {
  readonly name: string
  quoteIdentifier(name: string): string
  quoteLiteral(value: string): string
  objectKeyword(target: ObjectTarget, kind: 'owners' | 'tags'): string
  objectName(target: ObjectTarget): string
  relationHead(target: ObjectTarget): string
  statement(target: ObjectTarget, sql: string): SqlStatement
}

/** Databricks' documented limits on a tag: key 255 characters, value 1,000. */
export const maxDatabricksTagKeyLength = 255
export const maxDatabricksTagValueLength = 1000
/** Characters a tag key may not hold (dialects.md §10 b); the channel's tag mapping (`replacements`) can repair them. */
const forbiddenKeyCharacters = /[.,\-=/:]/u

/**
 * `ALTER <object> SET TAGS ('key' = 'value', ...)` for the tags to add and `UNSET TAGS ('key', ...)`
 * for those to remove, keys and values as string literals (the form every runtime reads; SET
 * TAGS replaces a key's value, so it is idempotent, unlike the newer `SET TAG ON`, which fails when
 * the key exists). A key both removed and added is only set. Every key and value is checked
 * before anything is rendered, so nothing half-applies.
 */
export function renderDatabricksTags(dialect: DatabricksTagWriter, target: ObjectTarget, change: TagChange, syntax: DatabricksTagSyntax = 'literal'): SqlStatement[] {
  const add = lastValuePerKey(change.add)
  for (const tag of add) checkTag(dialect, tag)
  const added = new Set(add.map((tag) => tag.key))
  const remove = [...new Set(change.remove.map((tag) => tag.key))].filter((key) => !added.has(key))
  for (const key of remove) checkKey(dialect, key)
  if (syntax === 'identifier') return identifierForm(dialect, target, add, remove)
  const head = alterHead(dialect, target)
  const statements: SqlStatement[] = []
  if (add.length > 0) statements.push(dialect.statement(target, `${head} SET TAGS (${add.map((tag) => `${dialect.quoteLiteral(tag.key)} = ${dialect.quoteLiteral(tag.value)}`).join(', ')})`))
  if (remove.length > 0) statements.push(dialect.statement(target, `${head} UNSET TAGS (${remove.map((key) => dialect.quoteLiteral(key)).join(', ')})`))
  return statements
}

/** `literal`: ALTER ... SET TAGS ('k' = 'v'); `identifier`: SET TAG ON ... `k` = `v` (DBR 16.1+). */
export type DatabricksTagSyntax = 'literal' | 'identifier'

/**
 * The newer form, one statement per tag, key and value as identifiers; a tag with an empty value
 * is set key-only. It fails when the key is already set (SET) or missing (UNSET): revmeta's
 * read-back skips tags in place and refuses a second value under one key, so that happens only
 * when something else changed the object meanwhile, or with `tags.replace`.
 */
function identifierForm(dialect: DatabricksTagWriter, target: ObjectTarget, add: readonly NativeTag[], remove: readonly string[]): SqlStatement[] {
  const { level } = target.asset
  const on =
    level === 'column' ? `COLUMN ${dialect.objectName(target)}` : level === 'database' || level === 'schema' ? `${dialect.objectKeyword(target, 'tags')} ${dialect.objectName(target)}` : `${dialect.objectKeyword(target, 'tags') === 'VIEW' ? 'VIEW' : 'TABLE'} ${dialect.objectName(target)}`
  return [
    ...remove.map((key) => dialect.statement(target, `UNSET TAG ON ${on} ${dialect.quoteIdentifier(key)}`)),
    ...add.map((tag) => dialect.statement(target, `SET TAG ON ${on} ${dialect.quoteIdentifier(tag.key)}${tag.value === '' ? '' : ` = ${valueIdentifier(dialect, tag.value)}`}`)),
  ]
}

/** A tag value as an identifier: backticks doubled, up to the tag value limit (not the 255 of a name). */
function valueIdentifier(dialect: DatabricksTagWriter, value: string): string {
  assertStorableText(value, { engine: dialect.name, what: 'value' })
  return `\`${value.replaceAll('`', '``')}\``
}

/** `ALTER CATALOG c`, `ALTER TABLE c.s.t`, or `ALTER TABLE c.s.t ALTER COLUMN col`. */
function alterHead(dialect: DatabricksTagWriter, target: ObjectTarget): string {
  if (target.asset.level !== 'column') return `ALTER ${dialect.objectKeyword(target, 'tags')} ${dialect.objectName(target)}`
  return `${dialect.relationHead(target)} ALTER COLUMN ${dialect.quoteIdentifier(target.asset.column ?? '')}`
}

function checkKey(dialect: DatabricksTagWriter, key: string): void {
  const bad = forbiddenKeyCharacters.exec(key)
  if (key.length === 0 || bad !== null) {
    const why = bad !== null ? `holds ${JSON.stringify(bad[0])}, which ${dialect.name} refuses in a tag key (. , - = / :)` : 'is empty'
    throw new RevmetaError('VALUE_INVALID', `The tag key ${JSON.stringify(key)} ${why}; the channel's tag mapping (tags.replacements) can rewrite it`, { details: { engine: dialect.name, tag: key } })
  }
  const length = [...key].length
  if (length > maxDatabricksTagKeyLength) {
    throw new RevmetaError('VALUE_TOO_LONG', `The tag key ${JSON.stringify(key.slice(0, 80))}… is ${length} characters long; ${dialect.name} allows at most ${maxDatabricksTagKeyLength}`, {
      details: { engine: dialect.name, characters: length, maxCharacters: maxDatabricksTagKeyLength },
    })
  }
}

function checkTag(dialect: DatabricksTagWriter, tag: NativeTag): void {
  checkKey(dialect, tag.key)
  const length = [...tag.value].length
  if (length > maxDatabricksTagValueLength) {
    throw new RevmetaError('VALUE_TOO_LONG', `The value of tag ${JSON.stringify(tag.key)} is ${length} characters long; ${dialect.name} allows at most ${maxDatabricksTagValueLength}`, {
      details: { engine: dialect.name, tag: tag.key, characters: length, maxCharacters: maxDatabricksTagValueLength },
    })
  }
}
