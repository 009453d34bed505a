import { RevmetaError } from '../../errors/revmeta-error.js'
import type { ObjectTarget, SessionOptions, Statement, TagChange, TagRenderer } from '../connector.js'
import { CommentOnDialect } from '../kit/comment-on-dialect.js'
import { oracleNames, type OracleNames } from './oracle-names.js'
import { oracleHasAnnotations } from './oracle-version.js'

/** COMMENTS is VARCHAR2(4000): bytes in the database character set (AL32UTF8: UTF-8). */
export const maxOracleCommentBytes = 4_000
/** ANNOTATION_VALUE is VARCHAR2(4000), ANNOTATION_NAME VARCHAR2(1024). */
export const maxAnnotationValueBytes = 4_000
export const maxAnnotationNameBytes = 1_024
/** Delimiters of q'...' literals, tried in order. */
const qDelimiters: readonly (readonly [string, string])[] = [['[', ']'], ['{', '}'], ['<', '>'], ['(', ')'], ['!', '!'], ['#', '#'], ['|', '|'], ['~', '~']]

/** Identifiers since 12.2. */
export const maxOracleIdentifierBytes = 128

export interface OracleDialectOptions {
  /** The server's version (`23.4.0.24.5`), from the session or the configuration; decides whether tags are annotations. */
  readonly version?: string
  /** The catalog keeps Oracle's own case (OpenMetadata's preserveIdentifierCase); default: it lowers upper-case names. */
  readonly preserveIdentifierCase?: boolean
}

/**
 * Oracle: COMMENT ON for tables, views, materialized views and columns; schema annotations for
 * tags on 23ai and 19.28+. Names are always double-quoted exactly as the catalog shows them
 * (Oracle folds unquoted names to upper case, and OpenMetadata stores what Oracle stores:
 * `ORDERS` for a table created unquoted). Literals are standard: `''` doubles a quote, nothing
 * else is special to the server (SQL*Plus users must SET DEFINE OFF for `&`; drivers never
 * substitute it).
 */
export class OracleDialect extends CommentOnDialect {
  readonly name = 'oracle'
  readonly tags?: TagRenderer
  readonly unsupportedReasons: { description: string; owners: string; tags?: string }
  readonly names: OracleNames

  constructor(readonly options: OracleDialectOptions = {}) {
    super({
      descriptionLevels: ['table', 'column'],
      // COMMENT ... IS '' removes a comment: '' is NULL in Oracle.
      emptyIsNull: true,
      maxDescriptionLength: { table: { max: maxOracleCommentBytes, unit: 'bytes' }, column: { max: maxOracleCommentBytes, unit: 'bytes' } },
    })
    this.names = oracleNames(options.preserveIdentifierCase === true)
    const annotations = oracleHasAnnotations(options.version)
    this.unsupportedReasons = {
      description: 'Oracle has no comments on databases or schemas (a schema is a user; there is no COMMENT ON SCHEMA)',
      owners: "an Oracle object's owner is the schema it lives in; moving it means recreating the object",
      ...(annotations ? {} : { tags: `tags are schema annotations, which need Oracle 23ai or 19.28+; ${options.version === undefined ? 'the server version is unknown (offline: set connection.version)' : `this server is ${options.version}`}` }),
    }
    if (annotations) {
      this.tags = { levels: ['table', 'column'], maxValueLength: { max: maxAnnotationValueBytes, unit: 'bytes' }, render: (target, change) => this.renderTags(target, change) }
    }
  }

  /** DDL waits at most this long for a lock held by other sessions (whole seconds, rounded up). */
  override sessionSetup(options: SessionOptions): string[] {
    const ms = options.lockTimeoutMs
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RevmetaError('VALUE_INVALID', `lockTimeoutMs must be a whole number of milliseconds, not ${String(ms)}`, { details: { engine: this.name } })
    return [`ALTER SESSION SET DDL_LOCK_TIMEOUT = ${Math.min(1_000_000, Math.ceil(ms / 1000))}`]
  }

  /** A catalog name part as Oracle stores it (`orders` → `"ORDERS"`, `Orders` stays `"Orders"`). */
  protected override namePart(target: ObjectTarget, part: 'database' | 'schema' | 'table' | 'column'): string {
    const name = target.asset[part]
    return name === undefined ? super.namePart(target, part) : this.quoteIdentifier(this.names.toOracle(name))
  }

  protected override get maxIdentifierBytes(): number {
    return maxOracleIdentifierBytes
  }

  override quoteIdentifier(name: string): string {
    if (name.includes('"')) throw new RevmetaError('VALUE_INVALID', `The name ${JSON.stringify(name)} holds a double quote, which an Oracle identifier cannot hold`, { details: { engine: this.name } })
    return super.quoteIdentifier(name)
  }

  /**
   * A value holding a quote is written in the alternative form `q'[...]'` (the first bracket pair
   * whose closing `]'` the value does not contain): doubling would make the literal longer than
   * the value, and a literal past 4,000 bytes is ORA-01704 even when the value fits. Otherwise,
   * or when no delimiter fits, the standard form with `''`.
   */
  protected override escapeLiteral(value: string): string {
    if (!value.includes("'")) return `'${value}'`
    const pair = qDelimiters.find(([, close]) => !value.includes(`${close}'`))
    return pair === undefined ? `'${value.replaceAll("'", "''")}'` : `q'${pair[0]}${value}${pair[1]}'`
  }

  /** '' removes the comment; Oracle documents no other form (IS NULL is not one). */
  override renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const value = description === null || description === '' ? "''" : this.quoteLiteral(description)
    return [this.statement(target, `COMMENT ON ${this.commentKeyword(target)} ${this.objectName(target)} IS ${value}`)]
  }

  /**
   * One ALTER per annotation change: DROP IF EXISTS for a removed tag, and for an added one DROP
   * IF EXISTS then ADD, since ADD fails on an existing name and REPLACE on a missing one (19.28
   * and 23ai have no ADD OR REPLACE). The annotation's name is the classification, its value the tag.
   */
  renderTags(target: ObjectTarget, { add, remove }: TagChange): Statement[] {
    const head = this.annotationHead(target)
    const clause = (change: string) => this.statement(target, head(`ANNOTATIONS (${change})`))
    const drop = (key: string) => clause(`DROP IF EXISTS ${this.annotationName(key)}`)
    return [...remove.map((tag) => drop(tag.key)), ...add.flatMap((tag) => [drop(tag.key), clause(`ADD ${this.annotationName(tag.key)} ${this.quoteLiteral(tag.value)}`)])]
  }

  protected commentKeyword(target: ObjectTarget): string {
    const { level } = target.asset
    if (level === 'column') return 'COLUMN'
    if (level !== 'table') throw this.unsupported(target, `There are no ${level} comments`)
    switch (target.objectType) {
      case 'table':
      case 'view':
        // Views take COMMENT ON TABLE.
        return 'TABLE'
      case 'materialized_view':
        return 'MATERIALIZED VIEW'
      default:
        throw this.unsupported(target, `A ${target.objectType} takes no comment`)
    }
  }

  /** `"SCHEMA"."TABLE"` (`."COLUMN"`): the catalog's database is the service's database itself. */
  protected objectName(target: ObjectTarget): string {
    const parts = [this.namePart(target, 'schema'), this.namePart(target, 'table')]
    if (target.asset.level === 'column') parts.push(this.namePart(target, 'column'))
    return parts.join('.')
  }

  /** `ALTER TABLE "S"."T" <clause>`, or for a table column `ALTER TABLE "S"."T" MODIFY ("C" <clause>)`. */
  private annotationHead(target: ObjectTarget): (clause: string) => string {
    const relation = `${this.namePart(target, 'schema')}.${this.namePart(target, 'table')}`
    if (target.asset.level === 'column') {
      const of = target.definition ?? 'table'
      if (of !== 'table') throw this.unsupported(target, `Annotations on a column of a ${of} are not written`)
      return (clause) => `ALTER TABLE ${relation} MODIFY (${this.namePart(target, 'column')} ${clause})`
    }
    const keyword = target.objectType === 'view' ? 'VIEW' : target.objectType === 'materialized_view' ? 'MATERIALIZED VIEW' : target.objectType === 'table' ? 'TABLE' : undefined
    if (keyword === undefined) throw this.unsupported(target, `A ${target.objectType} takes no annotations`)
    return (clause) => `ALTER ${keyword} ${relation} ${clause}`
  }

  private annotationName(key: string): string {
    if (key.length === 0 || key.includes('"')) throw new RevmetaError('VALUE_INVALID', `The tag classification ${JSON.stringify(key)} cannot be an Oracle annotation name (empty, or holds a double quote)`, { details: { engine: this.name } })
    this.assertStorable(key, 'identifier')
    const bytes = Buffer.byteLength(key, 'utf8')
    if (bytes > maxAnnotationNameBytes) throw new RevmetaError('NAME_TOO_LONG', `The annotation name is ${bytes} bytes long; Oracle allows at most ${maxAnnotationNameBytes}`, { details: { engine: this.name, bytes, max: maxAnnotationNameBytes } })
    return `"${key}"`
  }
}
