import { TokenCursor, tokenize } from './databricks-sql.js'

/**
 * A small model of what a Databricks workspace keeps about objects (comments, owners, tags, table
 * types), for the loopback endpoint: it applies the statement forms of dialects.md §10 and the
 * Unity Catalog PATCH requests, and answers the information_schema queries and REST listings
 * from its state, so revmeta's read-back sees what was written. Names match case-insensitively
 * and are stored in lowercase, as Unity Catalog stores them. What it does not understand fails
 * as Databricks' syntax error does.
 */
export type DatabricksType = 'CATALOG' | 'SCHEMA' | 'MANAGED' | 'EXTERNAL' | 'VIEW' | 'MATERIALIZED_VIEW' | 'COLUMN'

export interface DatabricksObject {
  readonly parts: string[]
  readonly type: DatabricksType
  comment: string | null
  owner: string | null
  readonly tags: Map<string, string>
  /** A column's data type; absent: STRING. */
  dataType?: ModelType
}

/** A column's type as the model keeps it: STRUCT fields carry their own comments. */
export type ModelType = { kind: 'struct'; fields: ModelField[] } | { kind: 'array'; element: ModelType } | { kind: 'scalar'; name: string }
export interface ModelField {
  readonly name: string
  readonly type: ModelType
  comment: string | null
}

type FieldSpec = ModelType | string | readonly [ModelType | string, string]
const typeOf = (spec: ModelType | string): ModelType => (typeof spec === 'string' ? { kind: 'scalar', name: spec } : spec)

/** `struct({ zip: 'int', street: ['string', 'comment'], geo: struct({...}) })`: field order as written. */
export function struct(fields: Readonly<Record<string, FieldSpec>>): ModelType {
  return {
    kind: 'struct',
    fields: Object.entries(fields).map(([name, spec]) => (Array.isArray(spec) ? { name, type: typeOf(spec[0] as ModelType | string), comment: spec[1] as string } : { name, type: typeOf(spec as ModelType | string), comment: null })),
  }
}

export function arrayOf(element: ModelType | string): ModelType {
  return { kind: 'array', element: typeOf(element) }
}

export class StatementError extends Error {
  constructor(
    readonly errorClass: string,
    message: string,
    readonly sqlState: string,
  ) {
    super(`[${errorClass}] ${message}`)
  }
}

const key = (parts: readonly string[]) => JSON.stringify(parts.map((p) => p.toLowerCase()))
const levelOf: Record<string, number> = { CATALOG: 1, SCHEMA: 2, TABLE: 3, VIEW: 3, COLUMN: 4 }

export class DatabricksModel {
  readonly objects = new Map<string, DatabricksObject>()
  /** Who statements run as, the groups it belongs to, and the privileges granted (on an object's parts). */
  currentUser = 'revmeta@example.com'
  readonly groups = new Set<string>()
  readonly grants: { parts: string[]; privilege: string; grantee: string }[] = []

  grant(parts: string[], privilege: string, grantee = this.currentUser): this {
    this.grants.push({ parts: parts.map((p) => p.toLowerCase()), privilege, grantee })
    return this
  }

  add(parts: string[], type: DatabricksType, comment: string | null = null, owner: string | null = 'admins'): this {
    this.objects.set(key(parts), { parts: parts.map((p) => p.toLowerCase()), type, comment, owner: type === 'COLUMN' ? null : owner, tags: new Map() })
    return this
  }

  /** A column of the given type (a STRUCT, an ARRAY of STRUCTs, ...). */
  column(parts: string[], dataType: ModelType | string, comment: string | null = null): this {
    this.add(parts, 'COLUMN', comment)
    this.get(...parts)!.dataType = typeOf(dataType)
    return this
  }

  /** The field at a path inside a column (struct field names, arrays stepped through), or undefined. */
  field(parts: string[], path: string[]): ModelField | undefined {
    let type = this.get(...parts)?.dataType
    let found: ModelField | undefined
    for (const name of path) {
      while (type?.kind === 'array') type = type.element
      found = type?.kind === 'struct' ? type.fields.find((f) => f.name.toLowerCase() === name.toLowerCase()) : undefined
      if (found === undefined) return undefined
      type = found.type
    }
    return found
  }

  tag(parts: string[], name: string, value: string): this {
    this.get(...parts)!.tags.set(name, value)
    return this
  }

  get(...parts: string[]): DatabricksObject | undefined {
    return this.objects.get(key(parts))
  }

  /** Tags on an object as `key=value`, sorted. */
  tagsOf(...parts: string[]): string[] {
    return [...(this.get(...parts)?.tags ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).sort()
  }

  /** Runs one statement: rows for a query, [] for DDL; throws StatementError as Databricks fails. */
  execute(sql: string, parameters: Readonly<Record<string, string>>): { columns: string[]; rows: (string | null)[][] } {
    let tokens
    try {
      tokens = tokenize(sql)
    } catch (error) {
      throw new StatementError('PARSE_SYNTAX_ERROR', (error as Error).message, '42601')
    }
    const c = new TokenCursor(tokens)
    if (c.eat('SELECT', 'current_user')) return { columns: ['principal', 'version'], rows: [[this.currentUser, '3.5.2']] }
    if (sql.startsWith("SELECT 'database' AS level")) return this.privileges(sql, parameters)
    if (c.eat('SELECT')) return this.select(sql, parameters)
    if (c.eat('SHOW', 'CATALOGS')) return { columns: ['catalog'], rows: this.all('CATALOG').map((o) => [o.parts[0]!]) }
    if (c.eat('SHOW', 'SCHEMAS', 'IN')) {
      const [catalog = ''] = c.names()
      return { columns: ['databaseName'], rows: this.all('SCHEMA').filter((o) => o.parts[0] === catalog.toLowerCase()).map((o) => [o.parts[1]!]) }
    }
    try {
      this.apply(c)
    } catch (error) {
      if (error instanceof StatementError) throw error
      throw new StatementError('PARSE_SYNTAX_ERROR', `${(error as Error).message} in ${sql}`, '42601')
    }
    return { columns: [], rows: [] }
  }

  private apply(c: TokenCursor): void {
    if (c.eat('SET', 'TAG', 'ON') || c.eat('UNSET', 'TAG', 'ON')) {
      const set = c.tokens[0]!.text.toUpperCase() === 'SET'
      const word = c.next('word').toUpperCase()
      const names = c.names()
      const target = word === 'COLUMN' ? this.find(names, 'COLUMN') : this.find(names, word === 'VIEW' ? 'VIEW' : word === 'TABLE' ? 'TABLE' : word)
      const key = c.next('ident')
      if (set) {
        if (target.tags.has(key)) throw new StatementError('TAG_ALREADY_EXISTS', `Tag ${key} is already set`, '42710')
        target.tags.set(key, c.eat('=') ? c.next('ident') : '')
      } else {
        if (!target.tags.has(key)) throw new StatementError('TAG_NOT_FOUND', `Tag ${key} is not set`, '42704')
        target.tags.delete(key)
      }
    } else if (c.eat('COMMENT', 'ON')) {
      const word = c.next('word').toUpperCase()
      const target = this.find(c.names(), word)
      c.expect('IS')
      target.comment = c.eat('NULL') ? null : c.next('string')
    } else {
      c.expect('ALTER')
      let word = c.next('word').toUpperCase()
      if (word === 'MATERIALIZED') word = `${word} ${c.next('word').toUpperCase()}`
      let target = this.find(c.names(), word === 'MATERIALIZED VIEW' ? 'VIEW' : word)
      let path: string[] = []
      if (c.eat('ALTER', 'COLUMN')) {
        const [column = '', ...rest] = c.names()
        target = this.find([...target.parts, column], 'COLUMN')
        path = rest
      }
      if (target.type === 'COLUMN' && c.eat('COMMENT')) {
        // ALTER COLUMN ... COMMENT: a column's, or (Delta tables only) a STRUCT field's, by its dotted path.
        if (word !== 'TABLE') throw new StatementError('EXPECT_TABLE_NOT_VIEW', `ALTER ${word} cannot change a column's comment`, '42809')
        const comment = c.next('string')
        if (path.length === 0) target.comment = comment
        else this.fieldByAddress(target, path).comment = comment === '' ? null : comment
      } else if (path.length > 0) {
        throw new StatementError('UNSUPPORTED_FEATURE', `Only a comment can be set on a nested field (${path.join('.')}); tags and owners take top-level columns`, '0A000')
      } else if (c.eat('OWNER', 'TO') || c.eat('SET', 'OWNER', 'TO')) {
        if (target.type === 'COLUMN') throw new Error('a column has no owner')
        target.owner = c.next('ident')
      } else if (c.eat('SET', 'TAGS', '(')) {
        do {
          const name = c.next('string')
          c.expect('=')
          target.tags.set(name, c.next('string'))
        } while (c.eat(','))
        c.expect(')')
      } else if (c.eat('UNSET', 'TAGS', '(')) {
        do target.tags.delete(c.next('string'))
        while (c.eat(','))
        c.expect(')')
      } else throw new Error(`unknown ALTER action at ${JSON.stringify(c.peek())}`)
    }
    if (!c.done()) throw new Error(`unexpected ${JSON.stringify(c.peek())}`)
  }

  /** The field ALTER COLUMN names: struct fields by name (case-insensitive), `element` into an array, as Databricks resolves it. */
  private fieldByAddress(column: DatabricksObject, address: string[]): ModelField {
    let type = column.dataType ?? { kind: 'scalar', name: 'string' }
    let found: ModelField | undefined
    for (const step of address) {
      if (type.kind === 'array' && step.toLowerCase() === 'element') {
        type = type.element
        found = undefined
        continue
      }
      found = type.kind === 'struct' ? type.fields.find((f) => f.name.toLowerCase() === step.toLowerCase()) : undefined
      if (found === undefined) throw new StatementError('FIELD_NOT_FOUND', `No such struct field \`${step}\` in ${column.parts.at(-1)}`, '42704')
      type = found.type
    }
    if (found === undefined) throw new StatementError('FIELD_NOT_FOUND', `${address.join('.')} names no struct field`, '42704')
    return found
  }

  private find(parts: string[], word: string): DatabricksObject {
    const found = this.get(...parts)
    const level = levelOf[word]
    if (found === undefined || level !== parts.length) throw new StatementError('TABLE_OR_VIEW_NOT_FOUND', `The object ${parts.map((p) => `\`${p}\``).join('.')} cannot be found`, '42P01')
    const isView = found.type === 'VIEW' || found.type === 'MATERIALIZED_VIEW'
    if (word === 'VIEW' && !isView) throw new StatementError('EXPECT_VIEW_NOT_TABLE', 'not a view', '42809')
    return found
  }

  all(type?: DatabricksType | 'RELATION'): DatabricksObject[] {
    return [...this.objects.values()].filter((o) => type === undefined || o.type === type || (type === 'RELATION' && o.parts.length === 3))
  }

  private select(sql: string, p: Readonly<Record<string, string>>): { columns: string[]; rows: (string | null)[][] } {
    const match = /FROM `((?:[^`]|``)+)`\.information_schema\.(\w+)/.exec(sql)
    if (match === null) throw new StatementError('PARSE_SYNTAX_ERROR', `unknown query ${sql}`, '42601')
    const catalog = match[1]!.replaceAll('``', '`').toLowerCase()
    if (this.get(catalog) === undefined) throw new StatementError('NO_SUCH_CATALOG_EXCEPTION', `Catalog '${catalog}' was not found`, '42704')
    const schemas = new Set(Object.entries(p).filter(([name]) => /^s\d+$/.test(name)).map(([, v]) => v))
    const inCatalog = this.all().filter((o) => o.parts[0] === catalog)
    const inSchemas = (o: DatabricksObject) => schemas.has(o.parts[1] ?? '')
    const tagRows = (level: number, cols: string[]) => ({
      columns: [...cols, 'tag_name', 'tag_value'],
      rows: inCatalog.filter((o) => o.parts.length === level && (level === 1 ? o.parts[0] === p.catalog : inSchemas(o))).flatMap((o) => [...o.tags].map(([k, v]) => [...o.parts.slice(level === 1 ? 0 : 1), k, v])),
    })
    switch (match[2]) {
      case 'catalogs':
        return { columns: ['catalog_name', 'catalog_owner', 'comment'], rows: inCatalog.filter((o) => o.type === 'CATALOG' && o.parts[0] === p.catalog).map((o) => [o.parts[0]!, o.owner, o.comment]) }
      case 'schemata':
        return { columns: ['schema_name', 'schema_owner', 'comment'], rows: inCatalog.filter((o) => o.type === 'SCHEMA' && inSchemas(o)).map((o) => [o.parts[1]!, o.owner, o.comment]) }
      case 'tables':
        return { columns: ['table_schema', 'table_name', 'table_type', 'table_owner', 'comment'], rows: inCatalog.filter((o) => o.parts.length === 3 && inSchemas(o)).map((o) => [o.parts[1]!, o.parts[2]!, o.type, o.owner, o.comment]) }
      case 'columns':
        return { columns: ['table_schema', 'table_name', 'column_name', 'full_data_type', 'comment'], rows: inCatalog.filter((o) => o.type === 'COLUMN' && inSchemas(o)).map((o) => [o.parts[1]!, o.parts[2]!, o.parts[3]!, fullDataType(o.dataType), o.comment]) }
      case 'catalog_tags':
        return tagRows(1, ['catalog_name'])
      case 'schema_tags':
        return tagRows(2, ['schema_name'])
      case 'table_tags':
        return tagRows(3, ['schema_name', 'table_name'])
      case 'column_tags':
        return tagRows(4, ['schema_name', 'table_name', 'column_name'])
      default:
        throw new StatementError('TABLE_OR_VIEW_NOT_FOUND', `information_schema.${match[2]} cannot be found`, '42P01')
    }
  }

  /** The two `revmeta check` queries: objects with owners (and whether the user owns them), or the user's grants. */
  private privileges(sql: string, p: Readonly<Record<string, string>>): { columns: string[]; rows: (string | null)[][] } {
    const catalog = (/FROM `((?:[^`]|``)+)`\.information_schema/.exec(sql)?.[1] ?? '').replaceAll('``', '`').toLowerCase()
    const mine = (principal: string | null) => principal !== null && (principal === this.currentUser || this.groups.has(principal))
    const inCatalog = this.all().filter((o) => o.parts[0] === catalog && o.type !== 'COLUMN' && (o.parts.length !== 1 || o.parts[0] === p.catalog))
    const levelOf = (o: DatabricksObject) => ['database', 'schema', 'table'][o.parts.length - 1]!
    if (sql.includes('catalog_owner')) {
      return {
        columns: ['level', 'catalog_name', 'schema_name', 'table_name', 'table_type', 'owner', 'owned'],
        rows: inCatalog.map((o) => [levelOf(o), o.parts[0]!, o.parts[1] ?? null, o.parts[2] ?? null, o.parts.length === 3 ? o.type : null, o.owner, String(mine(o.owner))]),
      }
    }
    return {
      columns: ['level', 'catalog_name', 'schema_name', 'table_name', 'privilege_type'],
      rows: this.grants.filter((g) => g.parts[0] === catalog && mine(g.grantee)).map((g) => [['database', 'schema', 'table'][g.parts.length - 1]!, g.parts[0]!, g.parts[1] ?? null, g.parts[2] ?? null, g.privilege]),
    }
  }

  /** Unity Catalog REST: a catalog, schema or table as the API shows it (tables with their columns). */
  rest(o: DatabricksObject): Record<string, unknown> {
    const base = { name: o.parts.at(-1), full_name: o.parts.join('.'), owner: o.owner, ...(o.comment !== null ? { comment: o.comment } : {}) }
    if (o.type === 'CATALOG') return base
    if (o.type === 'SCHEMA') return { ...base, catalog_name: o.parts[0] }
    const columns = this.all('COLUMN').filter((c) => key(c.parts.slice(0, 3)) === key(o.parts)).map((c) => ({
      name: c.parts[3],
      type_text: fullDataType(c.dataType).toLowerCase(),
      type_json: JSON.stringify({ name: c.parts[3], type: typeJson(c.dataType), nullable: true, metadata: c.comment !== null ? { comment: c.comment } : {} }),
      ...(c.comment !== null ? { comment: c.comment } : {}),
    }))
    return { ...base, catalog_name: o.parts[0], schema_name: o.parts[1], table_type: o.type, columns }
  }

  /** PATCH catalogs/schemas/tables: `comment` (catalogs and schemas only) and `owner`. */
  patch(resource: string, fullName: string, body: Record<string, unknown>): Record<string, unknown> | undefined {
    const o = this.get(...fullName.split('.'))
    const expected = { catalogs: 1, schemas: 2, tables: 3 }[resource]
    if (o === undefined || o.parts.length !== expected) return undefined
    for (const field of Object.keys(body)) {
      if (field === 'owner' && typeof body.owner === 'string') o.owner = body.owner
      else if (field === 'comment' && resource !== 'tables' && typeof body.comment === 'string') o.comment = body.comment === '' ? null : body.comment
      else throw new StatementError('INVALID_PARAMETER_VALUE', `${resource} cannot change ${field}`, '')
    }
    return this.rest(o)
  }
}

const plainName = /^[A-Za-z0-9_]+$/

/** information_schema.columns.full_data_type in Spark's SQL form: `STRUCT<zip: INT COMMENT 'x', \`odd name\`: STRING>`. */
export function fullDataType(type: ModelType = { kind: 'scalar', name: 'string' }): string {
  if (type.kind === 'scalar') return type.name.toUpperCase()
  if (type.kind === 'array') return `ARRAY<${fullDataType(type.element)}>`
  const field = (f: ModelField) => {
    const name = plainName.test(f.name) ? f.name : `\`${f.name.replaceAll('`', '``')}\``
    const comment = f.comment === null ? '' : ` COMMENT '${f.comment.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\t', '\\t')}'`
    return `${name}: ${fullDataType(f.type)}${comment}`
  }
  return `STRUCT<${type.fields.map(field).join(', ')}>`
}

/** The type as Spark's JSON schema (the `type` of Unity Catalog's `type_json`). */
function typeJson(type: ModelType = { kind: 'scalar', name: 'string' }): unknown {
  if (type.kind === 'scalar') return type.name.toLowerCase()
  if (type.kind === 'array') return { type: 'array', elementType: typeJson(type.element), containsNull: true }
  return { type: 'struct', fields: type.fields.map((f) => ({ name: f.name, type: typeJson(f.type), nullable: true, metadata: f.comment === null ? {} : { comment: f.comment } })) }
}
