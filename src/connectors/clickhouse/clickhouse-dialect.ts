import { RevmetaError } from '../../errors/revmeta-error.js'
import { sqlStatement } from '../../model/statement.js'
import { capabilitiesOf, type Capabilities, type DescriptionRenderer, type Dialect, type ObjectTarget, type ObjectType, type SessionOptions, type Statement } from '../connector.js'
import { renderSettings, sessionSettings } from './clickhouse-settings.js'
import { hasLoneSurrogate } from '../kit/text-checks.js'

/**
 * OpenMetadata's ClickHouse source names the catalog database after its `databaseName` option
 * (`default` when unset) and ingests every ClickHouse database as a schema of it. So the catalog
 * database is only a label here: its description has nowhere to go in ClickHouse.
 */
export const clickhouseDescriptionLevels = ['schema', 'table', 'column'] as const

/**
 * What a column's read-back `definition` holds: the engine of its table, as system.tables names it,
 * except for a materialized view that keeps its rows in an inner table. ClickHouse accepts
 * COMMENT COLUMN on such a view but keeps nothing, so the dialect must know to refuse it.
 */
export const columnHosts = {
  innerMaterializedView: 'MaterializedView(inner)',
  dictionary: 'Dictionary',
} as const

const relationTypes: ReadonlySet<ObjectType> = new Set(['table', 'view', 'materialized_view'])

const namedEscapes: Readonly<Record<string, string>> = { '\\': '\\\\', '\0': '\\0', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * The body of a quoted token, for ClickHouse's lexer, which reads backslash escapes inside both
 * '...' and `...`. Control characters are escaped too: a raw NUL ends the text at the C boundary
 * of embedded engines, and one-line statements keep logs and reports readable.
 */
function escapeBody(text: string, quote: "'" | '`'): string {
  return text.replace(/[\\'`\x00-\x1f\x7f]/g, (ch) => {
    if (ch === quote) return `\\${ch}`
    if (ch === "'" || ch === '`') return ch
    return namedEscapes[ch] ?? `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  })
}

export interface ClickhouseDialectOptions {
  /** Adds ON CLUSTER to every ALTER, so the change reaches each replica (replicas keep their own comments). */
  readonly onCluster?: string
}

/**
 * ClickHouse rendering: every ALTER names its database explicitly, so a statement means the same
 * on whatever database the connection defaults to.
 */
export class ClickhouseDialect implements Dialect {
  readonly name = 'clickhouse'
  /** ClickHouse keeps '' as "no comment". No owners (access goes through roles) and no tags. */
  readonly description: DescriptionRenderer = {
    levels: clickhouseDescriptionLevels,
    emptyIsNull: true,
    render: (target, value) => this.renderDescription(target, value),
  }
  private readonly onCluster: string

  constructor(options: ClickhouseDialectOptions = {}) {
    this.onCluster = options.onCluster === undefined ? '' : ` ON CLUSTER ${this.quoteIdentifier(options.onCluster)}`
  }

  /** capabilitiesOf(this): derived from the renderers, never declared apart from them. */
  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  quoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    this.assertStorable(name, 'identifier')
    return `\`${escapeBody(name, '`')}\``
  }

  quoteLiteral(value: string): string {
    this.assertStorable(value, 'value')
    return `'${escapeBody(value, "'")}'`
  }

  sessionSetup(options: SessionOptions): string[] {
    return renderSettings(sessionSettings(options.lockTimeoutMs))
  }

  /** ClickHouse keeps '' as "no comment", so null and '' both write ''. */
  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const value = this.quoteLiteral(description ?? '')
    const { asset } = target
    switch (asset.level) {
      case 'database':
        throw new RevmetaError(
          'UNSUPPORTED',
          `The catalog database ${JSON.stringify(asset.database)} is not a ClickHouse object: ClickHouse databases are the catalog's schemas`,
          { details: { engine: this.name, level: asset.level } },
        )
      case 'schema':
        this.assertType(target, 'schema')
        return [this.statement(target, `ALTER DATABASE ${this.part(asset.schema, 'schema')}${this.onCluster} MODIFY COMMENT ${value}`)]
      case 'table':
        this.assertType(target)
        return [this.statement(target, `ALTER TABLE ${this.tableName(target)}${this.onCluster} MODIFY COMMENT ${value}`)]
      case 'column':
        this.assertType(target, 'column')
        this.assertColumnComments(target)
        return [this.statement(target, `ALTER TABLE ${this.tableName(target)}${this.onCluster} COMMENT COLUMN ${this.part(asset.column, 'column')} ${value}`)]
    }
  }

  renderOwner(target: ObjectTarget, _principal: string): Statement[] {
    throw new RevmetaError('UNSUPPORTED', 'ClickHouse objects have no owners (access is granted through roles)', {
      details: { engine: this.name, level: target.asset.level },
    })
  }

  private tableName(target: ObjectTarget): string {
    return `${this.part(target.asset.schema, 'schema')}.${this.part(target.asset.table, 'table')}`
  }

  private part(name: string | undefined, part: string): string {
    if (name === undefined) throw new RevmetaError('INTERNAL', `A ClickHouse asset has no ${part} name`, { details: { part } })
    return this.quoteIdentifier(name)
  }

  /** The catalog database travels as the statement's database: the client treats it as a label only. */
  private statement(target: ObjectTarget, sql: string): Statement {
    return sqlStatement(target.asset.database, sql)
  }

  private assertColumnComments(target: ObjectTarget): void {
    const host = target.definition
    if (host === columnHosts.innerMaterializedView) {
      throw new RevmetaError('UNSUPPORTED', 'ClickHouse keeps no column comments on a materialized view that stores its rows in an inner table', {
        details: { engine: this.name, table: target.asset.table },
      })
    }
    if (host === columnHosts.dictionary) {
      throw new RevmetaError('UNSUPPORTED', 'ClickHouse dictionaries cannot take column comments', { details: { engine: this.name, table: target.asset.table } })
    }
  }

  private assertType(target: ObjectTarget, expected?: ObjectType): void {
    const ok = expected === undefined ? relationTypes.has(target.objectType) : target.objectType === expected
    if (!ok) {
      throw new RevmetaError('INTERNAL', `A ${target.asset.level}-level asset cannot be a ${target.objectType} in ClickHouse`, {
        details: { level: target.asset.level, objectType: target.objectType },
      })
    }
  }

  private assertStorable(text: string, what: 'identifier' | 'value'): void {
    if (hasLoneSurrogate(text)) {
      throw new RevmetaError('VALUE_INVALID', `The ${what} holds an unpaired UTF-16 surrogate, which is not valid Unicode`, { details: { engine: this.name } })
    }
  }
}
