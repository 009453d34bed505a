import { RevmetaError } from '../../errors/revmeta-error.js'
import type { Capabilities, Dialect, ObjectTarget, SessionOptions, Statement } from '../connector.js'

// A lone UTF-16 surrogate reaches DuckDB as U+FFFD, so the value could never read back as written.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Verified on DuckDB 1.5: COMMENT ON SCHEMA and COMMENT ON DATABASE fail with "Not implemented
 * Error", so only tables, views and their columns take descriptions. There is no SQL for owners or
 * tags. An empty string is stored and read back as '' (not as NULL).
 */
export const duckdbCapabilities: Capabilities = {
  descriptionLevels: ['table', 'column'],
  ownerLevels: [],
  tagLevels: [],
  ownerCardinality: 'one',
  maxDescriptionLength: {},
  emptyDescriptionIsNull: false,
  readBack: true,
}

/**
 * DuckDB rendering. Names are always double-quoted and fully qualified with the catalog
 * (`"catalog"."schema"."table"`): DuckDB resolves a two-part name as catalog.table as well as
 * schema.table, so a catalog named like a schema could otherwise capture the statement.
 */
export class DuckdbDialect implements Dialect {
  readonly name = 'duckdb'
  readonly capabilities: Capabilities = duckdbCapabilities

  quoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    this.assertStorable(name, 'identifier')
    return `"${name.replaceAll('"', '""')}"`
  }

  /** Standard strings only: a backslash is an ordinary character in DuckDB's '...' (unlike E'...'). */
  quoteLiteral(value: string): string {
    this.assertStorable(value, 'value')
    return `'${value.replaceAll("'", "''")}'`
  }

  /** DuckDB has no lock wait setting: writers conflict at once instead (see duckdb-connection.ts). */
  sessionSetup(_options: SessionOptions): string[] {
    return []
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const keyword = this.commentKeyword(target)
    const value = description === null ? 'NULL' : this.quoteLiteral(description)
    return [{ kind: 'sql', database: target.asset.database, sql: `COMMENT ON ${keyword} ${this.objectName(target)} IS ${value}` }]
  }

  renderOwner(target: ObjectTarget, _principal: string): Statement[] {
    throw this.unsupported(target, 'Objects have no owners')
  }

  private commentKeyword(target: ObjectTarget): string {
    const { level } = target.asset
    if (level === 'database' || level === 'schema') throw this.unsupported(target, `${level === 'database' ? 'Databases' : 'Schemas'} cannot take comments`)
    if (level === 'column' && target.objectType === 'column') return 'COLUMN'
    if (level === 'table' && target.objectType === 'table') return 'TABLE'
    if (level === 'table' && target.objectType === 'view') return 'VIEW'
    throw new RevmetaError('INTERNAL', `A ${level}-level asset cannot be a ${target.objectType} in ${this.name}`, {
      details: { engine: this.name, level, objectType: target.objectType },
    })
  }

  private objectName(target: ObjectTarget): string {
    const { asset } = target
    const q = (name: string | undefined, part: string): string => {
      if (name === undefined) throw new RevmetaError('INTERNAL', `A ${asset.level}-level asset has no ${part} name`, { details: { level: asset.level } })
      return this.quoteIdentifier(name)
    }
    const relation = `${q(asset.database, 'database')}.${q(asset.schema, 'schema')}.${q(asset.table, 'table')}`
    return asset.level === 'column' ? `${relation}.${q(asset.column, 'column')}` : relation
  }

  private unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, {
      details: { engine: this.name, level: target.asset.level, objectType: target.objectType },
    })
  }

  /** DuckDB reads SQL as a C string: a NUL ends the text there, so it can never be sent. */
  private assertStorable(text: string, what: 'identifier' | 'value'): void {
    if (text.includes('\0')) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds a NUL character, which ${this.name} SQL text cannot carry`, { details: { engine: this.name } })
    }
    if (loneSurrogate.test(text)) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds an unpaired UTF-16 surrogate, which is not valid Unicode`, { details: { engine: this.name } })
    }
  }
}
