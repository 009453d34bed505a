import { RevmetaError } from '../../errors/revmeta-error.js'
import { sqlStatement } from '../../model/statement.js'
import type { Capabilities, DescriptionRenderer, Dialect, ObjectTarget, ObjectType, OwnerRenderer, SqlStatement, Statement, TagRenderer } from '../connector.js'
import { capabilitiesOf } from '../connector.js'
import { assertStorableText } from '../kit/text-checks.js'
import { readFieldDefinition } from './databricks-nested-field.js'
import { maxDatabricksTagValueLength, renderDatabricksTags, type DatabricksTagSyntax } from './databricks-tags.js'

/** Databricks' documented identifier limit, in characters. */
export const maxDatabricksIdentifierLength = 255

export interface DatabricksDialectOptions {
  /**
   * The principal an object is given when the catalog removes every owner (Databricks keeps one
   * owner on every object); absent: such a removal is reported OWNER_REMOVAL_UNSUPPORTED.
   */
  readonly ownerFallback?: string
  /** The tag statement form (see databricks-tags.ts). Default: `literal`. */
  readonly tagSyntax?: DatabricksTagSyntax
  /** False where the workspace has no information_schema to read (a hive_metastore without Unity Catalog). Default: true. */
  readonly readBack?: boolean
}

/**
 * Databricks SQL rendering (dialects.md §10). Names are backtick-quoted exactly as the catalog
 * names them (Databricks matches names case-insensitively, so a mixed-case catalog name reaches
 * the lowercase object). Literals escape with a backslash only: Databricks chains adjacent
 * literals, so the doubled quote of standard SQL (`'it''s'`) would silently store `its`.
 */
export class DatabricksDialect implements Dialect {
  readonly name: string = 'databricks'

  readonly description: DescriptionRenderer = {
    levels: ['database', 'schema', 'table', 'column'],
    // '' is sent as NULL: Databricks' information_schema shows an unset comment as NULL, so '' and none are one state.
    emptyIsNull: true,
    // A STRUCT field's comment: ALTER TABLE ... ALTER COLUMN a.b COMMENT (Delta tables).
    nestedFields: true,
    render: (target, value) => this.renderDescription(target, value),
  }

  readonly tags: TagRenderer = {
    levels: ['database', 'schema', 'table', 'column'],
    maxValueLength: { max: maxDatabricksTagValueLength, unit: 'characters' },
    nestedFieldsUnsupported: 'Databricks tags top-level columns only: SET TAGS takes no field path, and information_schema.column_tags has none',
    render: (target, change) => renderDatabricksTags(this, target, change, this.options.tagSyntax),
  }

  readonly owners: OwnerRenderer
  readonly readBack: boolean

  constructor(protected readonly options: DatabricksDialectOptions = {}) {
    this.readBack = options.readBack ?? true
    this.owners = {
      levels: ['database', 'schema', 'table'],
      cardinality: 'one',
      ...(options.ownerFallback !== undefined ? { fallbackPrincipal: options.ownerFallback } : {}),
      render: (target, principal) => this.renderOwner(target, principal),
    }
  }

  /** capabilitiesOf(this): derived from the renderers, never declared apart from them. */
  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  quoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    assertStorableText(name, { engine: this.name, what: 'identifier' })
    const length = [...name].length
    if (length > maxDatabricksIdentifierLength) {
      throw new RevmetaError('NAME_TOO_LONG', `The name ${JSON.stringify(name.slice(0, 80))}… is ${length} characters long; ${this.name} allows at most ${maxDatabricksIdentifierLength}`, {
        details: { engine: this.name, characters: length, maxCharacters: maxDatabricksIdentifierLength },
      })
    }
    return `\`${name.replaceAll('`', '``')}\``
  }

  quoteLiteral(value: string): string {
    assertStorableText(value, { engine: this.name, what: 'value' })
    return `'${escapeDatabricksString(value)}'`
  }

  sessionSetup(): string[] {
    // Each submission of the Statement Execution API is a session of its own: nothing to set.
    return []
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    if (target.asset.path !== undefined) return [this.renderFieldComment(target, description)]
    const value = description === null || description === '' ? 'NULL' : this.quoteLiteral(description)
    return [this.statement(target, `COMMENT ON ${this.commentKeyword(target)} ${this.objectName(target)} IS ${value}`)]
  }

  /**
   * COMMENT ON COLUMN names top-level columns only; a field inside a STRUCT column takes
   * `ALTER TABLE t ALTER COLUMN a.b COMMENT '...'`, each part quoted, `element` stepping into an
   * array. ALTER COLUMN takes a string, not NULL: '' clears the comment.
   */
  renderFieldComment(target: ObjectTarget, description: string | null): SqlStatement {
    const { relation, address } = readFieldDefinition(target)
    if (relationKeyword(relation) !== 'TABLE') throw this.unsupported(target, `A field inside a STRUCT column of a ${relation.replace('_', ' ')} takes no comment of its own (ALTER VIEW ... ALTER COLUMN sets tags only)`)
    const value = description === null || description === '' ? "''" : this.quoteLiteral(description)
    const field = address.map((step) => (step === null ? 'element' : this.quoteIdentifier(step))).join('.')
    return this.statement(target, `ALTER TABLE ${this.qualified(target, 3)} ALTER COLUMN ${field} COMMENT ${value}`)
  }

  renderOwner(target: ObjectTarget, principal: string): Statement[] {
    if (target.asset.level === 'column') throw this.unsupported(target, 'Columns have no owner of their own')
    if (principal.length === 0) throw new RevmetaError('VALUE_INVALID', 'An owner principal cannot be empty', { details: { engine: this.name } })
    return [this.statement(target, `ALTER ${this.objectKeyword(target, 'owners')} ${this.objectName(target)} OWNER TO ${this.quoteIdentifier(principal)}`)]
  }

  /** `CATALOG`, `SCHEMA`, `TABLE` (tables and views alike) or `COLUMN`: COMMENT ON's object word. */
  commentKeyword(target: ObjectTarget): string {
    const { level } = target.asset
    if (level === 'database') return 'CATALOG'
    if (level === 'schema') return 'SCHEMA'
    if (level === 'column') return 'COLUMN'
    if (relationKeyword(target.objectType) === undefined) throw this.unsupported(target, `A ${target.objectType} takes no comment`)
    return 'TABLE'
  }

  /** The word after ALTER for a non-column asset: CATALOG, SCHEMA, TABLE or VIEW. */
  objectKeyword(target: ObjectTarget, kind: 'owners' | 'tags'): string {
    const { level } = target.asset
    if (level === 'database') return 'CATALOG'
    if (level === 'schema') return 'SCHEMA'
    if (level === 'column') throw new RevmetaError('INTERNAL', 'A column has no object keyword of its own', { details: { level } })
    const keyword = relationKeyword(target.objectType)
    if (keyword === undefined) throw this.unsupported(target, `A ${target.objectType} cannot take ${kind}`)
    return keyword
  }

  /** `ALTER TABLE c.s.t` (or `ALTER VIEW`) for a column's statements, by its relation's type as read back. */
  relationHead(target: ObjectTarget): string {
    const relation = target.definition ?? 'table'
    const keyword = relationKeyword(relation)
    if (keyword === undefined) throw this.unsupported(target, `Columns of a ${relation} take no tags`)
    return `ALTER ${keyword} ${this.qualified(target, 3)}`
  }

  /** The fully qualified, backtick-quoted name of the asset: `c`, `c`.`s`, `c`.`s`.`t` or `c`.`s`.`t`.`col`. */
  objectName(target: ObjectTarget): string {
    const depth = { database: 1, schema: 2, table: 3, column: 4 }[target.asset.level]
    return this.qualified(target, depth)
  }

  qualified(target: ObjectTarget, depth: number): string {
    const { asset } = target
    const parts = [asset.database, asset.schema, asset.table, asset.column].slice(0, depth)
    return parts
      .map((part, index) => {
        if (part === undefined) throw new RevmetaError('INTERNAL', `The asset has no ${['catalog', 'schema', 'table', 'column'][index]} name`, { details: { level: asset.level } })
        return this.quoteIdentifier(part)
      })
      .join('.')
  }

  statement(target: ObjectTarget, sql: string): SqlStatement {
    return sqlStatement(target.asset.database, sql)
  }

  unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, { details: { engine: this.name, level: target.asset.level, objectType: target.objectType } })
  }
}

const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b' }

/**
 * The body of a single-quoted Databricks string: backslash and quote escaped with a backslash,
 * never by doubling (adjacent literals are chained, so `'it''s'` reads `its`), and line breaks,
 * tabs and backspace as the escapes Databricks decodes, so a statement stays on one line. `\%`
 * and `\_` keep their backslash in Databricks, which the doubled backslash makes moot.
 */
export function escapeDatabricksString(value: string): string {
  return value.replace(/[\\'\n\r\t\b]/g, (char) => escapes[char] ?? char)
}

function relationKeyword(objectType: ObjectType): string | undefined {
  switch (objectType) {
    case 'table':
    case 'external_table':
    case 'partitioned_table':
    case 'foreign_table':
    case 'streaming_table':
      return 'TABLE'
    case 'view':
      return 'VIEW'
    case 'materialized_view':
      return 'MATERIALIZED VIEW'
    default:
      return undefined
  }
}
