import { RevmetaError } from '../../errors/revmeta-error.js'
import type { BoundParam } from '../../model/statement.js'
import { boundSqlStatement, sqlStatement } from '../../model/statement.js'
import { capabilitiesOf, type Capabilities, type DescriptionRenderer, type Dialect, type ObjectTarget, type OwnerRenderer, type SessionOptions, type Statement, type TagChange, type TagRenderer } from '../connector.js'
import { assertStorableText } from '../kit/text-checks.js'
import { mssqlBracket, mssqlLiteral } from './mssql-literal.js'

/** The extended property SQL Server tools (SSMS, Visual Studio, OpenMetadata) read as a description. */
export const msDescription = 'MS_Description'
/** `@value` of sp_addextendedproperty is a sql_variant of at most 7,500 bytes (nvarchar: two per UTF-16 unit). */
export const maxPropertyValueBytes = 7_500
/** sysname: nvarchar(128), counted in UTF-16 units. */
export const maxSysnameLength = 128
/** Placeholders of the statements revmeta renders start with this; the client renames them per batch. */
export const paramPrefix = '@rm_'

export interface MssqlDialectOptions {
  /** Extended properties named `<prefix><classification>` hold tags (default `openmetadata.tag.`). */
  readonly tagPrefix: string
}

/** The level arguments of an extended property: SCHEMA, then TABLE or VIEW, then COLUMN; none for the database. */
interface Levels {
  readonly types: readonly string[]
  readonly names: readonly string[]
}

/**
 * SQL Server and Azure SQL. Descriptions and tags are extended properties written through the
 * sys.sp_*extendedproperty procedures with every value and level name bound as a parameter, so
 * no catalog text is pasted into SQL. A plan shows the same batch preceded by a DECLARE of the
 * bound values as N'...' literals: runnable as it stands in SQL Server Management Studio.
 */
export class MssqlDialect implements Dialect {
  readonly name = 'mssql'
  readonly options: MssqlDialectOptions

  readonly description: DescriptionRenderer = {
    levels: ['database', 'schema', 'table', 'column'],
    // '' is sent as a drop: an absent property and an empty one read the same in every tool.
    emptyIsNull: true,
    maxLength: Object.fromEntries((['database', 'schema', 'table', 'column'] as const).map((level) => [level, { max: maxPropertyValueBytes, unit: 'utf16-bytes' as const }])),
    render: (target, value) => this.renderDescription(target, value),
  }

  readonly tags: TagRenderer = {
    levels: ['database', 'schema', 'table', 'column'],
    maxValueLength: { max: maxPropertyValueBytes, unit: 'utf16-bytes' },
    render: (target, change) => this.renderTags(target, change),
  }

  readonly owners: OwnerRenderer = {
    levels: ['database', 'schema', 'table'],
    cardinality: 'one',
    // "If the target entity is not a database ... all permissions on the target will be dropped."
    dropsPermissionsAt: ['schema', 'table'],
    render: (target, principal) => this.renderOwner(target, principal),
  }

  constructor(options: Partial<MssqlDialectOptions> = {}) {
    this.options = { tagPrefix: options.tagPrefix ?? 'openmetadata.tag.' }
  }

  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  quoteIdentifier(name: string): string {
    this.checkName(name, 'identifier')
    return mssqlBracket(name)
  }

  quoteLiteral(value: string): string {
    return mssqlLiteral(value)
  }

  /** LOCK_TIMEOUT is per session, in milliseconds (-1 waits for ever, which 0 means here). */
  sessionSetup(options: SessionOptions): string[] {
    const ms = options.lockTimeoutMs
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RevmetaError('VALUE_INVALID', `lockTimeoutMs must be a whole number of milliseconds, not ${String(ms)}`, { details: { engine: this.name } })
    return [`SET LOCK_TIMEOUT ${ms === 0 ? -1 : ms}`]
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const levels = this.levelsOf(target)
    if (description === null || description === '') return [this.dropProperty(target, msDescription, levels)]
    return [this.upsertProperty(target, msDescription, description, levels)]
  }

  /** Removals first, so a tag whose value changes is dropped (when it still holds the old value) and then set. */
  renderTags(target: ObjectTarget, { add, remove }: TagChange): Statement[] {
    const levels = this.levelsOf(target)
    const name = (key: string) => this.propertyName(`${this.options.tagPrefix}${key}`)
    return [...remove.map((tag) => this.dropProperty(target, name(tag.key), levels, tag.value)), ...add.map((tag) => this.upsertProperty(target, name(tag.key), tag.value, levels))]
  }

  renderOwner(target: ObjectTarget, principal: string): Statement[] {
    const { asset } = target
    const to = this.quoteIdentifier(principal)
    const sql = (() => {
      switch (asset.level) {
        case 'database':
          return `ALTER AUTHORIZATION ON DATABASE::${this.quoteIdentifier(asset.database)} TO ${to}`
        case 'schema':
          return `ALTER AUTHORIZATION ON SCHEMA::${this.quoteIdentifier(this.part(asset.schema, 'schema'))} TO ${to}`
        case 'table':
          return `ALTER AUTHORIZATION ON OBJECT::${this.quoteIdentifier(this.part(asset.schema, 'schema'))}.${this.quoteIdentifier(this.part(asset.table, 'table'))} TO ${to}`
        case 'column':
          throw this.unsupported(target, 'Columns have no owner of their own')
      }
    })()
    return [sqlStatement(asset.database, sql)]
  }

  /** The level arguments of the target, by its type as read back (a column's relation type is its `definition`). */
  levelsOf(target: ObjectTarget): Levels {
    const { asset } = target
    if (asset.level === 'database') return { types: [], names: [] }
    const schema = this.levelName(this.part(asset.schema, 'schema'))
    if (asset.level === 'schema') return { types: ['SCHEMA'], names: [schema] }
    const relationType = asset.level === 'column' ? (target.definition ?? 'table') : target.objectType
    const keyword = relationType === 'view' ? 'VIEW' : relationType === 'table' ? 'TABLE' : undefined
    if (keyword === undefined) throw this.unsupported(target, `A ${relationType} takes no extended properties`)
    const table = this.levelName(this.part(asset.table, 'table'))
    if (asset.level === 'table') return { types: ['SCHEMA', keyword], names: [schema, table] }
    return { types: ['SCHEMA', keyword, 'COLUMN'], names: [schema, table, this.levelName(this.part(asset.column, 'column'))] }
  }

  /**
   * `IF EXISTS (...) EXEC sp_updateextendedproperty ... ELSE EXEC sp_addextendedproperty ...`:
   * the add fails when the property exists and the update when it does not, so only the pair
   * is an upsert.
   */
  private upsertProperty(target: ObjectTarget, name: string, value: string, levels: Levels): Statement {
    this.checkValue(value)
    const params = this.params(name, levels, value)
    const args = this.procedureArgs(levels, true)
    const sql = `IF EXISTS (${this.lookup(levels)}) EXEC sys.sp_updateextendedproperty ${args} ELSE EXEC sys.sp_addextendedproperty ${args}`
    return this.bound(target, sql, params)
  }

  /** Drops the property when it is there (and, for a tag, still holds the value being removed). */
  private dropProperty(target: ObjectTarget, name: string, levels: Levels, onlyValue?: string): Statement {
    if (onlyValue !== undefined) this.checkValue(onlyValue)
    const params = this.params(name, levels, onlyValue)
    // A binary collation: a case-insensitive database must not take 'pii' for 'PII'.
    const where = onlyValue === undefined ? '' : ` WHERE CAST(value AS nvarchar(4000)) COLLATE Latin1_General_BIN2 = ${paramPrefix}value COLLATE Latin1_General_BIN2`
    const sql = `IF EXISTS (${this.lookup(levels)}${where}) EXEC sys.sp_dropextendedproperty ${this.procedureArgs(levels, false)}`
    return this.bound(target, sql, params)
  }

  private lookup(levels: Levels): string {
    const args = [0, 1, 2].flatMap((i) => (levels.types[i] === undefined ? ['NULL', 'NULL'] : [`N'${levels.types[i]}'`, `${paramPrefix}level${i}name`]))
    return `SELECT 1 FROM sys.fn_listextendedproperty(${paramPrefix}name, ${args.join(', ')})`
  }

  private procedureArgs(levels: Levels, withValue: boolean): string {
    const args = [`@name = ${paramPrefix}name`, ...(withValue ? [`@value = ${paramPrefix}value`] : [])]
    levels.types.forEach((type, i) => args.push(`@level${i}type = N'${type}'`, `@level${i}name = ${paramPrefix}level${i}name`))
    return args.join(', ')
  }

  private params(name: string, levels: Levels, value: string | undefined): BoundParam[] {
    return [
      { name: 'name', value: name, type: 'nvarchar(128)' },
      ...(value !== undefined ? [{ name: 'value', value, type: 'nvarchar(4000)' }] : []),
      ...levels.names.map((levelName, i) => ({ name: `level${i}name`, value: levelName, type: 'nvarchar(128)' })),
    ]
  }

  /** The statement with its display: `DECLARE @rm_name nvarchar(128) = N'...', ...; <the same SQL>`. */
  private bound(target: ObjectTarget, sql: string, params: readonly BoundParam[]): Statement {
    const declare = params.map((p) => `${paramPrefix}${p.name} ${p.type} = ${p.value === null ? 'NULL' : this.quoteLiteral(p.value)}`).join(', ')
    return boundSqlStatement(target.asset.database, sql, params, `DECLARE ${declare}; ${sql}`)
  }

  private propertyName(name: string): string {
    this.checkName(name, 'property name')
    return name
  }

  /** Level names are plain names (not bracket-quoted), checked as sysname. */
  private levelName(name: string): string {
    this.checkName(name, 'identifier')
    return name
  }

  private checkName(name: string, what: string): void {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', `An ${what} cannot be empty`, { details: { engine: this.name } })
    assertStorableText(name, { engine: this.name, what: 'identifier' })
    if (name.length > maxSysnameLength) {
      throw new RevmetaError('NAME_TOO_LONG', `The ${what} ${JSON.stringify(name.slice(0, 80))}… is ${name.length} UTF-16 units long; mssql allows at most ${maxSysnameLength} (sysname)`, {
        details: { engine: this.name, length: name.length, max: maxSysnameLength },
      })
    }
  }

  private checkValue(value: string): void {
    assertStorableText(value, { engine: this.name, what: 'value' })
    const bytes = value.length * 2
    if (bytes > maxPropertyValueBytes) {
      throw new RevmetaError('VALUE_TOO_LONG', `The value is ${bytes} bytes as nvarchar; an extended property holds at most ${maxPropertyValueBytes}`, { details: { engine: this.name, bytes, max: maxPropertyValueBytes } })
    }
  }

  private part(name: string | undefined, what: string): string {
    if (name === undefined) throw new RevmetaError('INTERNAL', `The asset has no ${what} name`, { details: { part: what } })
    return name
  }

  private unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, { details: { engine: this.name, level: target.asset.level, objectType: target.objectType } })
  }
}
