import { RevmetaError } from '../../errors/revmeta-error.js'
import { sqlStatement } from '../../model/statement.js'
import type { Capabilities, DescriptionRenderer, Dialect, ObjectTarget, ObjectType, OwnerRenderer, SessionOptions, SqlStatement, Statement, TagRenderer } from '../connector.js'
import { capabilitiesOf } from '../connector.js'
import { assertStorableText } from '../kit/text-checks.js'
import { maxSnowflakeTagValueLength, renderSnowflakeTags, type SnowflakeTagOptions } from './snowflake-tags.js'

/** Snowflake's documented identifier limit, in characters. */
export const maxSnowflakeIdentifierLength = 255

export interface SnowflakeDialectOptions {
  /** GRANT OWNERSHIP's treatment of the object's other grants. */
  readonly ownershipGrants: 'copy' | 'revoke'
  /** STATEMENT_TIMEOUT_IN_SECONDS for the session, in ms (rounded up); 0: none. */
  readonly statementTimeoutMs: number
  /** Where tags live, CREATE TAG IF NOT EXISTS, allowed values (see snowflake-tags.ts). */
  readonly tags: SnowflakeTagOptions
}

const defaultOptions: SnowflakeDialectOptions = { ownershipGrants: 'copy', statementTimeoutMs: 0, tags: {} }

/**
 * Snowflake rendering. Unquoted names fold to upper case in Snowflake, so every identifier is
 * double-quoted exactly as the catalog names it (OpenMetadata reads names as Snowflake stores
 * them: `ORDERS` for a table created unquoted). Literals escape every backslash, since Snowflake
 * reads backslash sequences and silently drops an unknown one (`\d` becomes `d`).
 */
export class SnowflakeDialect implements Dialect {
  readonly name = 'snowflake'
  private readonly options: SnowflakeDialectOptions

  readonly description: DescriptionRenderer = {
    levels: ['database', 'schema', 'table', 'column'],
    // '' is sent as UNSET COMMENT: an unset comment reads back as NULL, so '' and none are one state.
    emptyIsNull: true,
    render: (target, value) => this.renderDescription(target, value),
  }

  readonly owners: OwnerRenderer = {
    levels: ['database', 'schema', 'table'],
    cardinality: 'one',
    render: (target, principal) => this.renderOwner(target, principal),
  }

  readonly tags: TagRenderer = {
    levels: ['database', 'schema', 'table', 'column'],
    maxValueLength: { max: maxSnowflakeTagValueLength, unit: 'characters' },
    render: (target, change) => renderSnowflakeTags(this, target, change, this.options.tags),
  }

  constructor(options: Partial<SnowflakeDialectOptions> = {}) {
    this.options = { ...defaultOptions, ...options }
  }

  /** capabilitiesOf(this): derived from the renderers, never declared apart from them. */
  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  quoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    this.assertStorable(name, 'identifier')
    const length = [...name].length
    if (length > maxSnowflakeIdentifierLength) {
      throw new RevmetaError('NAME_TOO_LONG', `The name ${JSON.stringify(name.slice(0, 80))}… is ${length} characters long; snowflake allows at most ${maxSnowflakeIdentifierLength}`, {
        details: { engine: this.name, characters: length, maxCharacters: maxSnowflakeIdentifierLength },
      })
    }
    return `"${name.replaceAll('"', '""')}"`
  }

  quoteLiteral(value: string): string {
    this.assertStorable(value, 'value')
    return `'${escapeSnowflakeString(value)}'`
  }

  sessionSetup(options: SessionOptions): string[] {
    const seconds = (ms: number, what: string): number => {
      if (!Number.isSafeInteger(ms) || ms < 0) throw new RevmetaError('VALUE_INVALID', `${what} must be a whole number of milliseconds, not ${String(ms)}`, { details: { engine: this.name } })
      return Math.ceil(ms / 1000)
    }
    const out = [`ALTER SESSION SET LOCK_TIMEOUT = ${seconds(options.lockTimeoutMs, 'lockTimeoutMs')}`]
    if (this.options.statementTimeoutMs > 0) out.push(`ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = ${seconds(this.options.statementTimeoutMs, 'statementTimeoutMs')}`)
    return out
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const { asset } = target
    const unset = description === null || description === ''
    if (asset.level === 'column') {
      const head = this.columnAlterHead(target)
      const column = this.quoteIdentifier(this.part(asset.column, 'column'))
      if (head === undefined) {
        // Materialized views and other relations: COMMENT ON COLUMN is the one documented form.
        return [this.statement(target, `COMMENT ON COLUMN ${this.objectName(target)} IS ${unset ? "''" : this.quoteLiteral(description)}`)]
      }
      return [this.statement(target, `${head} ALTER COLUMN ${column} ${unset ? 'UNSET COMMENT' : `COMMENT ${this.quoteLiteral(description)}`}`)]
    }
    const keyword = this.objectKeyword(target, 'description')
    const name = this.objectName(target)
    if (unset) return [this.statement(target, `ALTER ${keyword} ${name} UNSET COMMENT`)]
    return [this.statement(target, `COMMENT ON ${keyword} ${name} IS ${this.quoteLiteral(description)}`)]
  }

  renderOwner(target: ObjectTarget, principal: string): Statement[] {
    if (target.asset.level === 'column') throw this.unsupported(target, 'Columns have no owner of their own')
    const keyword = this.objectKeyword(target, 'owner')
    const grants = this.options.ownershipGrants === 'revoke' ? 'REVOKE' : 'COPY'
    return [this.statement(target, `GRANT OWNERSHIP ON ${keyword} ${this.objectName(target)} TO ROLE ${this.quoteIdentifier(principal)} ${grants} CURRENT GRANTS`)]
  }

  /** The fully qualified, quoted name of the asset: "D", "D"."S", "D"."S"."T" or "D"."S"."T"."C". */
  objectName(target: ObjectTarget): string {
    const { asset } = target
    const parts = [asset.database]
    if (asset.level !== 'database') parts.push(this.part(asset.schema, 'schema'))
    if (asset.level === 'table' || asset.level === 'column') parts.push(this.part(asset.table, 'table'))
    if (asset.level === 'column') parts.push(this.part(asset.column, 'column'))
    return parts.map((part) => this.quoteIdentifier(part)).join('.')
  }

  /** The object word after ALTER / COMMENT ON / GRANT OWNERSHIP ON for a non-column asset. */
  objectKeyword(target: ObjectTarget, kind: 'description' | 'owner' | 'tags'): string {
    const { level } = target.asset
    if (level === 'database' || level === 'schema') return level.toUpperCase()
    if (level === 'column') throw new RevmetaError('INTERNAL', 'A column has no object keyword of its own', { details: { level } })
    const keyword = relationKeyword(target.objectType)
    if (keyword === undefined) throw this.unsupported(target, `A ${target.objectType} cannot take ${kind}`)
    return keyword
  }

  /**
   * `ALTER TABLE "D"."S"."T"` (or `ALTER VIEW`) for a column's statements, by the type of the
   * column's relation that read-back put in `definition`; undefined for relations whose columns
   * only COMMENT ON COLUMN reaches. Offline (no definition) the relation is assumed a table.
   */
  columnAlterHead(target: ObjectTarget): string | undefined {
    const { asset } = target
    const relation = target.definition ?? 'table'
    const keyword = relation === 'table' || relation === 'partitioned_table' ? 'TABLE' : relation === 'view' ? 'VIEW' : undefined
    if (keyword === undefined) return undefined
    const table = [asset.database, this.part(asset.schema, 'schema'), this.part(asset.table, 'table')].map((part) => this.quoteIdentifier(part)).join('.')
    return `ALTER ${keyword} ${table}`
  }

  statement(target: ObjectTarget, sql: string): SqlStatement {
    return sqlStatement(target.asset.database, sql)
  }

  unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, { details: { engine: this.name, level: target.asset.level, objectType: target.objectType } })
  }

  private part(name: string | undefined, what: string): string {
    if (name === undefined) throw new RevmetaError('INTERNAL', `The asset has no ${what} name`, { details: { part: what } })
    return name
  }

  private assertStorable(text: string, what: 'identifier' | 'value'): void {
    assertStorableText(text, { engine: this.name, what })
  }
}

const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

/**
 * The body of a single-quoted Snowflake string: backslash and quote escaped with a backslash
 * (never by doubling alone, so the text means the same inside any literal form), and line breaks
 * and tabs as escapes so a statement stays on one line in plans and logs.
 */
export function escapeSnowflakeString(value: string): string {
  return value.replace(/[\\'\n\r\t\b\f]/g, (char) => escapes[char] ?? char)
}

function relationKeyword(objectType: ObjectType): string | undefined {
  switch (objectType) {
    case 'table':
    case 'partitioned_table':
      return 'TABLE'
    case 'view':
      return 'VIEW'
    case 'materialized_view':
      return 'MATERIALIZED VIEW'
    default:
      // External tables take no COMMENT ON / SET COMMENT in Snowflake's documentation.
      return undefined
  }
}
