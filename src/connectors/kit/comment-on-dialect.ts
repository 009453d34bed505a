import { RevmetaError } from '../../errors/revmeta-error.js'
import type { Level } from '../../model/asset.js'
import { sqlStatement } from '../../model/statement.js'
import { capabilitiesOf, type Capabilities, type Dialect, type DescriptionRenderer, type LengthLimit, type ObjectTarget, type OwnerRenderer, type SessionOptions, type Statement } from '../connector.js'
import { hasLoneSurrogate } from './text-checks.js'

/** What a COMMENT ON engine holds; the renderers (and so the capabilities) are built from it. */
export interface CommentOnShape {
  readonly descriptionLevels: readonly Level[]
  /** '' is stored as no comment, so it is written as NULL. */
  readonly emptyIsNull: boolean
  readonly maxDescriptionLength?: Partial<Record<Level, LengthLimit>>
  /** Levels where ownerSql() renders an owner change; none (the default) means no owners renderer. */
  readonly ownerLevels?: readonly Level[]
}

/**
 * Base of dialects that write descriptions as `COMMENT ON <object> <name> IS <literal>`
 * (PostgreSQL, Redshift, PGlite, DuckDB, and warehouses that share the form). Subclasses fill
 * the hooks for what differs: the object keyword per type, how names are qualified, literal
 * escaping, identifier limits, the owner statement and the session setup. Names are always
 * double-quoted (never relying on case folding).
 */
export abstract class CommentOnDialect implements Dialect {
  abstract readonly name: string
  readonly description: DescriptionRenderer
  readonly owners?: OwnerRenderer

  // A plan names the same schemas, tables and column names over and over; each is checked once.
  private readonly quoted = new Map<string, string>()

  protected constructor(shape: CommentOnShape) {
    this.description = {
      levels: shape.descriptionLevels,
      emptyIsNull: shape.emptyIsNull,
      maxLength: shape.maxDescriptionLength ?? {},
      render: (target, value) => this.renderDescription(target, value),
    }
    if (shape.ownerLevels !== undefined && shape.ownerLevels.length > 0) {
      this.owners = { levels: shape.ownerLevels, cardinality: 'one', render: (target, principal) => this.renderOwner(target, principal) }
    }
  }

  /** capabilitiesOf(this): derived from the renderers, never declared apart from them. */
  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  /** Longest identifier in UTF-8 bytes, for engines that would silently truncate a longer one; undefined: no limit. */
  protected get maxIdentifierBytes(): number | undefined {
    return undefined
  }

  /** Why a NUL cannot be sent, in this engine's words. */
  protected get nulReason(): string {
    return 'text cannot store'
  }

  quoteIdentifier(name: string): string {
    let quoted = this.quoted.get(name)
    if (quoted === undefined) {
      quoted = this.checkAndQuoteIdentifier(name)
      if (this.quoted.size >= 50_000) this.quoted.clear()
      this.quoted.set(name, quoted)
    }
    return quoted
  }

  quoteLiteral(value: string): string {
    this.assertStorable(value, 'value')
    return this.escapeLiteral(value)
  }

  /** Default: no session setup. */
  sessionSetup(_options: SessionOptions): string[] {
    return []
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const keyword = this.commentKeyword(target)
    // Saying NULL for '' where the engine stores '' as no comment makes the intent visible in plans.
    const value = description === null || (description === '' && this.description.emptyIsNull === true) ? 'NULL' : this.quoteLiteral(description)
    return [this.statement(target, `COMMENT ON ${keyword} ${this.objectName(target)} IS ${value}`)]
  }

  renderOwner(target: ObjectTarget, principal: string): Statement[] {
    return [this.statement(target, this.ownerSql(target, principal))]
  }

  /** The literal with its quotes, for a value already checked storable. Default: standard '...' with doubled quotes. */
  protected escapeLiteral(value: string): string {
    return `'${value.replaceAll("'", "''")}'`
  }

  /** The object word after COMMENT ON for this target (TABLE, VIEW, COLUMN, ...); throws UNSUPPORTED where none fits. */
  protected abstract commentKeyword(target: ObjectTarget): string

  /** The qualified, quoted name of the target. */
  protected abstract objectName(target: ObjectTarget): string

  /** The statement that gives the target a new owner. Default: the engine has no owners. */
  protected ownerSql(target: ObjectTarget, _principal: string): string {
    throw this.unsupported(target, 'Objects have no owners')
  }

  /** Quotes one name part of the target, which must be there at its level. */
  protected namePart(target: ObjectTarget, part: 'database' | 'schema' | 'table' | 'column'): string {
    const name = target.asset[part]
    if (name === undefined) throw new RevmetaError('INTERNAL', `A ${target.asset.level}-level asset has no ${part} name`, { details: { level: target.asset.level } })
    return this.quoteIdentifier(name)
  }

  /** Statements run on a connection to the asset's own database, database-level ones too. */
  protected statement(target: ObjectTarget, sql: string): Statement {
    return sqlStatement(target.asset.database, sql)
  }

  protected unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, {
      details: { engine: this.name, level: target.asset.level, objectType: target.objectType },
    })
  }

  protected wrongShape(target: ObjectTarget): RevmetaError {
    const { level } = target.asset
    return new RevmetaError('INTERNAL', `A ${level}-level asset cannot be a ${target.objectType}`, { details: { level, objectType: target.objectType } })
  }

  protected assertStorable(text: string, what: 'identifier' | 'value'): void {
    if (text.includes('\0')) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds a NUL character, which ${this.name} ${this.nulReason}`, { details: { engine: this.name } })
    }
    if (hasLoneSurrogate(text)) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds an unpaired UTF-16 surrogate, which is not valid Unicode`, { details: { engine: this.name } })
    }
  }

  private checkAndQuoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    this.assertStorable(name, 'identifier')
    const max = this.maxIdentifierBytes
    const bytes = max === undefined ? 0 : Buffer.byteLength(name, 'utf8')
    if (max !== undefined && bytes > max) {
      throw new RevmetaError(
        'NAME_TOO_LONG',
        `The name ${JSON.stringify(name)} is ${bytes} bytes long; ${this.name} allows at most ${max} bytes and would silently truncate it`,
        { details: { engine: this.name, name, bytes, maxBytes: max } },
      )
    }
    return `"${name.replaceAll('"', '""')}"`
  }
}
