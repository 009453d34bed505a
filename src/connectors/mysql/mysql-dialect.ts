import { RevmetaError } from '../../errors/revmeta-error.js'
import { sqlStatement } from '../../model/statement.js'
import { capabilitiesOf, type Capabilities, type DescriptionRenderer, type Dialect, type ObjectTarget, type SessionFacts, type SessionOptions, type Statement } from '../connector.js'
import { rewriteColumnComment } from './mysql-column-definition.js'
import { lexRulesFor, type LexRules } from './mysql-tokens.js'
import { hasLoneSurrogate } from '../kit/text-checks.js'

/** MySQL counts identifier length in characters, not bytes. */
export const maxIdentifierLength = 64

// lock_wait_timeout's ceiling (one year) on both engines; it also stands for "no limit".
const maxLockWaitSeconds = 31_536_000

const astral = /[\uD800-\uDBFF][\uDC00-\uDFFF]/

/** MariaDB 10.5 added database comments (ALTER DATABASE ... COMMENT); MySQL has none. */
export function hasSchemaComments(version: string | undefined): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '')
  if (match === null || !/mariadb/i.test(version ?? '')) return false
  const major = Number(match[1])
  return major > 10 || (major === 10 && Number(match[2]) >= 5)
}

/** Where MySQL holds descriptions and how long they may be; owners and tags it has none. */
export function mysqlDescriptionShape(schemaComments: boolean): Omit<DescriptionRenderer, 'render'> {
  return {
    levels: schemaComments ? ['schema', 'table', 'column'] : ['table', 'column'],
    maxLength: {
      ...(schemaComments ? { schema: { max: 1024, unit: 'bytes' as const } } : {}),
      table: { max: 2048, unit: 'characters' },
      column: { max: 1024, unit: 'characters' },
    },
    // information_schema shows '' for "no comment", and COMMENT '' is how a comment is removed.
    emptyIsNull: true,
  }
}

/**
 * MySQL and MariaDB rendering. The catalog's schema is the MySQL database and its database part
 * (OpenMetadata's `default`) names nothing on the server. Names are always backticked, which
 * works with and without ANSI_QUOTES; literals are always single-quoted and escaped for the
 * session's sql_mode (`facts.sqlMode`), so nothing depends on how "..." is read.
 */
export class MysqlDialect implements Dialect {
  readonly name: string = 'mysql'
  readonly description: DescriptionRenderer
  /** How this session reads quotes; the column rewriter lexes with the same rules. */
  readonly rules: LexRules

  constructor(facts: SessionFacts = {}) {
    this.rules = lexRulesFor(facts.sqlMode ?? '')
    this.description = { ...mysqlDescriptionShape(hasSchemaComments(facts.version)), render: (target, value) => this.renderDescription(target, value) }
  }

  /** capabilitiesOf(this): derived from the renderers, never declared apart from them. */
  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  quoteIdentifier(name: string): string {
    if (name.length === 0) throw new RevmetaError('VALUE_INVALID', 'An identifier cannot be empty', { details: { engine: this.name } })
    if (name.includes('\0') || hasLoneSurrogate(name)) {
      throw new RevmetaError('VALUE_INVALID', `The name ${JSON.stringify(name)} holds a NUL or an unpaired surrogate, which no ${this.name} name can hold`, { details: { engine: this.name } })
    }
    const length = [...name].length
    if (length > maxIdentifierLength) {
      throw new RevmetaError('NAME_TOO_LONG', `The name ${JSON.stringify(name)} is ${length} characters long; ${this.name} allows at most ${maxIdentifierLength}`, {
        details: { engine: this.name, name, length, max: maxIdentifierLength },
      })
    }
    return `\`${name.replaceAll('`', '``')}\``
  }

  quoteLiteral(value: string): string {
    if (hasLoneSurrogate(value)) {
      throw new RevmetaError('VALUE_INVALID', 'The value holds an unpaired UTF-16 surrogate, which is not valid Unicode', { details: { engine: this.name } })
    }
    // Under NO_BACKSLASH_ESCAPES a backslash is an ordinary character and only the quote needs doubling.
    if (!this.rules.backslashEscapes) return `'${value.replaceAll("'", "''")}'`
    // Control characters are escaped too, so a statement stays on one line in logs and the binlog.
    return `'${value.replace(/[\\'\0\n\r\x1a]/g, (ch) => backslashEscapes[ch]!)}'`
  }

  sessionSetup(options: SessionOptions): string[] {
    const ms = options.lockTimeoutMs
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > 2_147_483_647) {
      throw new RevmetaError('VALUE_INVALID', `lockTimeoutMs must be an integer from 0 to 2147483647, not ${String(ms)}`, { details: { engine: this.name } })
    }
    // Metadata locks (what ALTER waits for) are bounded in whole seconds; 0 means no limit, as in PostgreSQL.
    const seconds = ms === 0 ? maxLockWaitSeconds : Math.min(maxLockWaitSeconds, Math.ceil(ms / 1000))
    // Column rewrites read SHOW CREATE TABLE, which must quote every name.
    return [`SET SESSION lock_wait_timeout = ${seconds}`, 'SET SESSION sql_quote_show_create = 1']
  }

  renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const text = description ?? ''
    const { asset } = target
    switch (asset.level) {
      case 'database':
        throw this.unsupported(target, `The catalog's database ${JSON.stringify(asset.database)} is a placeholder with nothing to hold a description`)
      case 'schema':
        this.assertType(target, ['schema'])
        if (!this.description.levels?.includes('schema')) throw this.unsupported(target, 'Databases (the catalog\'s schemas) have no comments before MariaDB 10.5')
        return [this.statement(target, `ALTER DATABASE ${this.schemaName(target)} COMMENT = ${this.commentLiteral(text)}`)]
      case 'table':
        this.assertType(target, ['table', 'partitioned_table', 'view'])
        if (target.objectType === 'view') throw this.unsupported(target, 'Views cannot hold comments')
        return [this.statement(target, `ALTER TABLE ${this.tableName(target)} COMMENT = ${this.commentLiteral(text)}`)]
      case 'column':
        return [this.statement(target, `ALTER TABLE ${this.tableName(target)} MODIFY COLUMN ${this.columnDefinition(target, text)}`)]
    }
  }

  renderOwner(target: ObjectTarget, principal: string): Statement[] {
    throw this.unsupported(target, `Objects have no owners (asked to set ${JSON.stringify(principal)})`)
  }

  /** The column restated from its definition as read back, with only its COMMENT changed. */
  private columnDefinition(target: ObjectTarget, text: string): string {
    this.assertType(target, ['column'])
    const column = this.part(target, 'column')
    const literal = this.commentLiteral(text)
    this.quoteIdentifier(column)
    if (target.definition === undefined) {
      throw new RevmetaError(
        'UNSUPPORTED',
        `A ${this.name} column comment restates the whole column, so it needs the column's definition from SHOW CREATE TABLE, and none was read back for ${JSON.stringify(column)} ` +
          '(planning offline, a view\'s column, which cannot hold comments, or a definition that could not be read)',
        { details: { engine: this.name, level: 'column', column } },
      )
    }
    return rewriteColumnComment(target.definition, column, literal, this.rules)
  }

  /** A comment literal, after refusing what the data dictionary would silently mangle. */
  private commentLiteral(text: string): string {
    if (text.includes('\0')) {
      throw new RevmetaError('VALUE_INVALID', `The description holds a NUL character, which ${this.name} comments cannot keep (the text is cut there)`, { details: { engine: this.name } })
    }
    const wide = astral.exec(text)
    if (wide !== null) {
      throw new RevmetaError(
        'VALUE_INVALID',
        `The description holds ${JSON.stringify(wide[0])} (U+${wide[0].codePointAt(0)!.toString(16).toUpperCase()}), a 4-byte character: ${this.name} stores comments as utf8mb3 and would turn it into '?'`,
        { details: { engine: this.name, character: wide[0] } },
      )
    }
    return this.quoteLiteral(text)
  }

  private tableName(target: ObjectTarget): string {
    return `${this.schemaName(target)}.${this.quoteIdentifier(this.part(target, 'table'))}`
  }

  private schemaName(target: ObjectTarget): string {
    return this.quoteIdentifier(this.part(target, 'schema'))
  }

  private part(target: ObjectTarget, part: 'schema' | 'table' | 'column'): string {
    const name = target.asset[part]
    if (name === undefined) throw new RevmetaError('INTERNAL', `A ${target.asset.level}-level asset has no ${part} name`, { details: { level: target.asset.level } })
    return name
  }

  /** Statements name the MySQL database (the catalog's schema) they run in. */
  private statement(target: ObjectTarget, sql: string): Statement {
    return sqlStatement(this.part(target, 'schema'), sql)
  }

  private assertType(target: ObjectTarget, allowed: readonly string[]): void {
    if (!allowed.includes(target.objectType)) {
      const { level } = target.asset
      throw new RevmetaError('INTERNAL', `A ${level}-level asset cannot be a ${target.objectType}`, { details: { level, objectType: target.objectType } })
    }
  }

  private unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} in ${this.name}`, { details: { engine: this.name, level: target.asset.level, objectType: target.objectType } })
  }
}

const backslashEscapes: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "''",
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
}
