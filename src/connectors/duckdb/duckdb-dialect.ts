import { RevmetaError } from '../../errors/revmeta-error.js'
import type { ObjectTarget } from '../connector.js'
import { CommentOnDialect, type CommentOnShape } from '../kit/comment-on-dialect.js'

/**
 * Verified on DuckDB 1.5: COMMENT ON SCHEMA and COMMENT ON DATABASE fail with "Not implemented
 * Error", so only tables, views and their columns take descriptions. There is no SQL for owners or
 * tags. An empty string is stored and read back as '' (not as NULL).
 */
export const duckdbShape: CommentOnShape = {
  descriptionLevels: ['table', 'column'],
  emptyIsNull: false,
}

/**
 * DuckDB rendering. Names are always double-quoted and fully qualified with the catalog
 * (`"catalog"."schema"."table"`): DuckDB resolves a two-part name as catalog.table as well as
 * schema.table, so a catalog named like a schema could otherwise capture the statement.
 * Literals are standard strings only: a backslash is an ordinary character in DuckDB's '...'
 * (unlike E'...'). DuckDB has no lock wait setting: writers conflict at once instead (see
 * duckdb-connection.ts), so sessions need no setup.
 */
export class DuckdbDialect extends CommentOnDialect {
  readonly name = 'duckdb'

  constructor() {
    super(duckdbShape)
  }

  /** DuckDB reads SQL as a C string: a NUL ends the text there, so it can never be sent. */
  protected override get nulReason(): string {
    return 'SQL text cannot carry'
  }

  protected override commentKeyword(target: ObjectTarget): string {
    const { level } = target.asset
    if (level === 'database' || level === 'schema') throw this.unsupported(target, `${level === 'database' ? 'Databases' : 'Schemas'} cannot take comments`)
    if (level === 'column' && target.objectType === 'column') return 'COLUMN'
    if (level === 'table' && target.objectType === 'table') return 'TABLE'
    if (level === 'table' && target.objectType === 'view') return 'VIEW'
    throw new RevmetaError('INTERNAL', `A ${level}-level asset cannot be a ${target.objectType} in ${this.name}`, {
      details: { engine: this.name, level, objectType: target.objectType },
    })
  }

  protected override objectName(target: ObjectTarget): string {
    const relation = `${this.namePart(target, 'database')}.${this.namePart(target, 'schema')}.${this.namePart(target, 'table')}`
    return target.asset.level === 'column' ? `${relation}.${this.namePart(target, 'column')}` : relation
  }
}
