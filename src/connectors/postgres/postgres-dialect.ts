import { RevmetaError } from '../../errors/revmeta-error.js'
import type { Capabilities, Dialect, ObjectTarget, ObjectType, SessionOptions, Statement } from '../connector.js'

const relationTypes: ReadonlySet<ObjectType> = new Set(['table', 'partitioned_table', 'view', 'materialized_view', 'foreign_table'])

// A lone UTF-16 surrogate would be sent as U+FFFD, so the value could never read back as written.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const postgresCapabilities: Capabilities = {
  descriptionLevels: ['database', 'schema', 'table', 'column'],
  ownerLevels: ['database', 'schema', 'table'],
  tagLevels: [],
  ownerCardinality: 'one',
  maxDescriptionLength: {},
  emptyDescriptionIsNull: true,
  readBack: true,
}

/**
 * PostgreSQL rendering. Every name is always double-quoted (never relying on case folding) and
 * every value is a literal that reads back byte for byte, whatever the session's settings.
 */
export class PostgresDialect implements Dialect {
  readonly name: string = 'postgres'
  readonly capabilities: Capabilities = postgresCapabilities

  /** NAMEDATALEN - 1: longer names are silently truncated by the server and could hit another object. */
  protected get maxIdentifierBytes(): number {
    return 63
  }

  /** The word that `SET` takes to bound lock waits. */
  protected get timeoutSetting(): string {
    return 'lock_timeout'
  }

  // A plan names the same schemas, tables and column names over and over; each is checked once.
  private readonly quoted = new Map<string, string>()

  quoteIdentifier(name: string): string {
    let quoted = this.quoted.get(name)
    if (quoted === undefined) {
      quoted = this.checkAndQuoteIdentifier(name)
      if (this.quoted.size >= 50_000) this.quoted.clear()
      this.quoted.set(name, quoted)
    }
    return quoted
  }

  private checkAndQuoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    this.assertStorable(name, 'identifier')
    const bytes = Buffer.byteLength(name, 'utf8')
    if (bytes > this.maxIdentifierBytes) {
      throw new RevmetaError(
        'NAME_TOO_LONG',
        `The name ${JSON.stringify(name)} is ${bytes} bytes long; ${this.name} allows at most ${this.maxIdentifierBytes} bytes and would silently truncate it`,
        { details: { engine: this.name, name, bytes, maxBytes: this.maxIdentifierBytes } },
      )
    }
    return `"${name.replaceAll('"', '""')}"`
  }

  quoteLiteral(value: string): string {
    this.assertStorable(value, 'value')
    return this.escapeLiteral(value)
  }

  sessionSetup(options: SessionOptions): string[] {
    const ms = options.lockTimeoutMs
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > 2_147_483_647) {
      throw new RevmetaError('VALUE_INVALID', `lockTimeoutMs must be an integer from 0 to 2147483647, not ${String(ms)}`, { details: { engine: this.name } })
    }
    return [`SET ${this.timeoutSetting} = ${ms}`]
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const keyword = this.commentKeyword(target)
    // PostgreSQL stores '' as no comment; saying NULL makes the intent visible in plans.
    const value = description === null || description === '' ? 'NULL' : this.quoteLiteral(description)
    return [this.statement(target, `COMMENT ON ${keyword} ${this.objectName(target)} IS ${value}`)]
  }

  renderOwner(target: ObjectTarget, principal: string): Statement[] {
    const keyword = this.ownerKeyword(target)
    return [this.statement(target, `ALTER ${keyword} ${this.objectName(target)} OWNER TO ${this.quoteIdentifier(principal)}`)]
  }

  /**
   * The literal body escape. A backslash switches to E'...' so the literal means the same with
   * standard_conforming_strings on or off; without one, the plain form is identical under both.
   */
  protected escapeLiteral(value: string): string {
    if (!value.includes('\\')) return `'${value.replaceAll("'", "''")}'`
    return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
  }

  /** The object word after COMMENT ON, by object type. */
  protected commentKeyword(target: ObjectTarget): string {
    this.assertTargetShape(target)
    return relationKeyword(target.objectType) ?? target.objectType.toUpperCase()
  }

  /** The object word after ALTER for OWNER TO, by object type. */
  protected ownerKeyword(target: ObjectTarget): string {
    this.assertTargetShape(target)
    if (target.objectType === 'column') throw this.unsupported(target, 'Columns have no owner of their own')
    return relationKeyword(target.objectType) ?? target.objectType.toUpperCase()
  }

  protected objectName(target: ObjectTarget): string {
    const { asset } = target
    const q = (name: string | undefined, part: string): string => {
      if (name === undefined) throw new RevmetaError('INTERNAL', `A ${asset.level}-level asset has no ${part} name`, { details: { level: asset.level } })
      return this.quoteIdentifier(name)
    }
    switch (asset.level) {
      case 'database':
        return q(asset.database, 'database')
      case 'schema':
        return q(asset.schema, 'schema')
      case 'table':
        return `${q(asset.schema, 'schema')}.${q(asset.table, 'table')}`
      case 'column':
        return `${q(asset.schema, 'schema')}.${q(asset.table, 'table')}.${q(asset.column, 'column')}`
    }
  }

  /** Database-level statements too run on a connection to the asset's own database. */
  protected statement(target: ObjectTarget, sql: string): Statement {
    return { kind: 'sql', database: target.asset.database, sql }
  }

  protected unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, {
      details: { engine: this.name, level: target.asset.level, objectType: target.objectType },
    })
  }

  protected assertStorable(text: string, what: 'identifier' | 'value'): void {
    if (text.includes('\0')) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds a NUL character, which ${this.name} text cannot store`, { details: { engine: this.name } })
    }
    if (loneSurrogate.test(text)) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds an unpaired UTF-16 surrogate, which is not valid Unicode`, { details: { engine: this.name } })
    }
  }

  private assertTargetShape(target: ObjectTarget): void {
    const { level } = target.asset
    const ok = level === 'table' ? relationTypes.has(target.objectType) : target.objectType === level
    if (!ok) {
      throw new RevmetaError('INTERNAL', `A ${level}-level asset cannot be a ${target.objectType}`, { details: { level, objectType: target.objectType } })
    }
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
