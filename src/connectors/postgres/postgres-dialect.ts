import { RevmetaError } from '../../errors/revmeta-error.js'
import { objectTypeLevel, type ObjectTarget, type ObjectType, type SessionOptions } from '../connector.js'
import { CommentOnDialect, type CommentOnShape } from '../kit/comment-on-dialect.js'

/** Descriptions at every level, one owning role per database, schema and relation; '' is no comment. */
export const postgresShape: CommentOnShape = {
  descriptionLevels: ['database', 'schema', 'table', 'column'],
  emptyIsNull: true,
  ownerLevels: ['database', 'schema', 'table'],
}

/**
 * PostgreSQL rendering. Every name is always double-quoted (never relying on case folding) and
 * every value is a literal that reads back byte for byte, whatever the session's settings.
 */
export class PostgresDialect extends CommentOnDialect {
  readonly name: string = 'postgres'

  constructor(shape: CommentOnShape = postgresShape) {
    super(shape)
  }

  /** NAMEDATALEN - 1: longer names are silently truncated by the server and could hit another object. */
  protected override get maxIdentifierBytes(): number {
    return 63
  }

  /** The word that `SET` takes to bound lock waits. */
  protected get timeoutSetting(): string {
    return 'lock_timeout'
  }

  override sessionSetup(options: SessionOptions): string[] {
    const ms = options.lockTimeoutMs
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > 2_147_483_647) {
      throw new RevmetaError('VALUE_INVALID', `lockTimeoutMs must be an integer from 0 to 2147483647, not ${String(ms)}`, { details: { engine: this.name } })
    }
    return [`SET ${this.timeoutSetting} = ${ms}`]
  }

  /**
   * The literal body escape. A backslash switches to E'...' so the literal means the same with
   * standard_conforming_strings on or off; without one, the plain form is identical under both.
   */
  protected override escapeLiteral(value: string): string {
    if (!value.includes('\\')) return `'${value.replaceAll("'", "''")}'`
    return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
  }

  protected override commentKeyword(target: ObjectTarget): string {
    return this.keyword(target, 'take a comment')
  }

  /** The object word after ALTER for OWNER TO, by object type. */
  protected ownerKeyword(target: ObjectTarget): string {
    if (target.asset.level === 'column' && target.objectType === 'column') throw this.unsupported(target, 'Columns have no owner of their own')
    return this.keyword(target, 'change owner')
  }

  protected override ownerSql(target: ObjectTarget, principal: string): string {
    return `ALTER ${this.ownerKeyword(target)} ${this.objectName(target)} OWNER TO ${this.quoteIdentifier(principal)}`
  }

  protected override objectName(target: ObjectTarget): string {
    switch (target.asset.level) {
      case 'database':
        return this.namePart(target, 'database')
      case 'schema':
        return this.namePart(target, 'schema')
      case 'table':
        return `${this.namePart(target, 'schema')}.${this.namePart(target, 'table')}`
      case 'column':
        return `${this.namePart(target, 'schema')}.${this.namePart(target, 'table')}.${this.namePart(target, 'column')}`
    }
  }

  private keyword(target: ObjectTarget, what: string): string {
    const { level } = target.asset
    if (objectTypeLevel(target.objectType) !== level) throw this.wrongShape(target)
    if (level !== 'table') return level.toUpperCase()
    const keyword = relationKeyword(target.objectType)
    if (keyword === undefined) throw this.unsupported(target, `A ${target.objectType} cannot ${what}`)
    return keyword
  }
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
    case 'foreign_table':
      return 'FOREIGN TABLE'
    default:
      return undefined
  }
}
