import type { SnowflakeReply } from './snowflake-endpoint.js'

/**
 * A small model of what Snowflake keeps about objects (comments, owners, relation types), for
 * the wire endpoint: it applies the statement forms of the dialect reference (§8) and answers the
 * INFORMATION_SCHEMA read-back queries from its state, so revmeta's verification reads back what
 * was written. Statements it does not understand fail as Snowflake's syntax error does.
 */
export interface SnowflakeObject {
  type: 'DATABASE' | 'SCHEMA' | 'BASE TABLE' | 'VIEW' | 'MATERIALIZED VIEW' | 'COLUMN'
  comment: string | null
  owner: string | null
}

/** A tag set directly on an object: the tag's own database, schema and name, and the value. */
export interface SnowflakeTagValue {
  readonly database: string
  readonly schema: string
  readonly name: string
  readonly value: string
}

const levelNames = ['DATABASE', 'SCHEMA', 'TABLE', 'COLUMN'] as const
const tagColumns = ['TAG_DATABASE', 'TAG_SCHEMA', 'TAG_NAME', 'TAG_VALUE', 'LEVEL', 'OBJECT_DATABASE', 'OBJECT_SCHEMA', 'OBJECT_NAME', 'DOMAIN', 'COLUMN_NAME']

export class SnowflakeModel {
  /** Keyed by JSON of the name parts: ["SALES"], ["SALES","PUBLIC"], ... */
  readonly objects = new Map<string, SnowflakeObject>()
  /** Direct tags per object (same keys), each keyed by JSON of the tag's qualified name. */
  readonly tags = new Map<string, Map<string, SnowflakeTagValue>>()

  /** Tags defined (CREATE TAG), keyed by JSON of [database, schema, name]: their allowed values, or null for any. */
  readonly definitions = new Map<string, readonly string[] | null>()

  /** Defines a tag, as `CREATE TAG "D"."S"."N" [ALLOWED_VALUES ...]` would; SHOW TAGS lists it. */
  defineTag(tag: [database: string, schema: string, name: string], allowedValues: readonly string[] | null = null): this {
    this.definitions.set(JSON.stringify(tag), allowedValues)
    return this
  }

  /** Sets a tag directly on an object, as `ALTER ... SET TAG` would. */
  tag(parts: string[], tag: [database: string, schema: string, name: string], value: string): this {
    const key = JSON.stringify(parts)
    const held = this.tags.get(key) ?? new Map<string, SnowflakeTagValue>()
    held.set(JSON.stringify(tag), { database: tag[0], schema: tag[1], name: tag[2], value })
    this.tags.set(key, held)
    return this
  }

  /** The tags set directly on an object, as `NAME=value` sorted. */
  tagsOf(...parts: string[]): string[] {
    return [...(this.tags.get(JSON.stringify(parts))?.values() ?? [])].map((t) => `${t.name}=${t.value}`).sort()
  }

  add(parts: string[], type: SnowflakeObject['type'], comment: string | null = null, owner: string | null = 'SYSADMIN'): this {
    this.objects.set(JSON.stringify(parts), { type, comment, owner: type === 'COLUMN' ? null : owner })
    return this
  }

  get(...parts: string[]): SnowflakeObject | undefined {
    return this.objects.get(JSON.stringify(parts))
  }

  /** The endpoint's answer function. */
  readonly answer = (sql: string): SnowflakeReply | undefined => {
    try {
      if (sql.startsWith('SHOW TAGS IN ')) return this.showTags(sql)
      return sql.startsWith('SELECT') ? this.select(sql) : this.apply(sql)
    } catch (error) {
      return { error: { code: (error as { code?: string }).code ?? '001003', message: (error as Error).message, sqlState: '42000' } }
    }
  }

  private apply(sql: string): SnowflakeReply | undefined {
    if (sql.startsWith('ALTER SESSION')) return undefined
    const p = new Parser(sql)
    if (p.eat('COMMENT ON ')) {
      const type = p.keyword()
      const name = p.names()
      p.expect(' IS ')
      this.find(name, type).comment = p.literal()
    } else if (p.eat('GRANT OWNERSHIP ON ')) {
      const type = p.keyword()
      const name = p.names()
      p.expect(' TO ROLE ')
      const [role] = p.names()
      if (!p.eat(' COPY CURRENT GRANTS') && !p.eat(' REVOKE CURRENT GRANTS')) throw syntax(sql)
      this.find(name, type).owner = role ?? null
    } else if (p.eat('ALTER ')) {
      const type = p.keyword()
      const name = p.names()
      if (p.eat(' UNSET COMMENT')) this.find(name, type).comment = null
      else if (p.eat(' MODIFY COLUMN ')) {
        const [column] = p.names()
        this.find([...name, column ?? ''], 'COLUMN')
        this.alterTags(p, [...name, column ?? ''])
      } else if (p.peek(' SET TAG ') || p.peek(' UNSET TAG ')) {
        this.find(name, type)
        this.alterTags(p, name)
      } else {
        p.expect(' ALTER COLUMN ')
        do {
          const [column] = p.names()
          const target = this.find([...name, column ?? ''], 'COLUMN')
          if (p.eat(' UNSET COMMENT')) target.comment = null
          else {
            p.expect(' COMMENT ')
            target.comment = p.literal()
          }
        } while (p.eat(', COLUMN '))
      }
    } else throw syntax(sql)
    p.end()
    return undefined
  }

  /** `SET TAG "D"."S"."T" = 'v', ...` or `UNSET TAG "D"."S"."T", ...` on one object. */
  private alterTags(p: Parser, object: string[]): void {
    const key = JSON.stringify(object)
    const held = this.tags.get(key) ?? new Map<string, SnowflakeTagValue>()
    const set = p.eat(' SET TAG ')
    if (!set) p.expect(' UNSET TAG ')
    do {
      const tag = p.names()
      // Tags are always named in full: an unqualified one would resolve in the session's schema.
      if (tag.length !== 3) throw Object.assign(new Error(`SQL compilation error: Tag '${tag.join('.')}' does not exist or not authorized.`), { code: '002003' })
      const [database = '', schema = '', name = ''] = tag
      if (set) {
        p.expect(' = ')
        held.set(JSON.stringify(tag), { database, schema, name, value: p.literal() })
      } else held.delete(JSON.stringify(tag))
    } while (p.eat(', '))
    this.tags.set(key, held)
  }

  /**
   * Rows of TAG_REFERENCES for one object: its own tags (LEVEL = its domain) and those it
   * inherits from its parents (LEVEL = the parent's), the nearest value of each tag winning.
   */
  private references(parts: string[]): Record<string, string | null>[] {
    const domain = levelNames[parts.length - 1]
    const seen = new Set<string>()
    const rows: Record<string, string | null>[] = []
    for (let length = parts.length; length >= 1; length--) {
      for (const [tagKey, tag] of this.tags.get(JSON.stringify(parts.slice(0, length))) ?? []) {
        if (seen.has(tagKey)) continue
        seen.add(tagKey)
        rows.push({
          TAG_DATABASE: tag.database,
          TAG_SCHEMA: tag.schema,
          TAG_NAME: tag.name,
          TAG_VALUE: tag.value,
          LEVEL: levelNames[length - 1] ?? null,
          OBJECT_DATABASE: parts[0] ?? null,
          OBJECT_SCHEMA: parts.length >= 3 ? (parts[1] ?? null) : null,
          OBJECT_NAME: parts[Math.min(parts.length, 3) - 1] ?? null,
          DOMAIN: domain ?? null,
          COLUMN_NAME: parts.length === 4 ? (parts[3] ?? null) : null,
        })
      }
    }
    return rows
  }

  /** The UNION ALL of TAG_REFERENCES / TAG_REFERENCES_ALL_COLUMNS calls the read-back sends. */
  private tagReferences(sql: string): SnowflakeReply {
    const rows: Record<string, string | null>[] = []
    for (const part of sql.split('\nUNION ALL\n')) {
      const call = /INFORMATION_SCHEMA\.(TAG_REFERENCES(?:_ALL_COLUMNS)?)\(('(?:[^'\\]|\\.)*'), '(\w+)'\)\)$/.exec(part)
      if (call === null) throw syntax(part)
      const parts = new Parser(new Parser(call[2] ?? '').literal()).names()
      if (call[1] === 'TAG_REFERENCES') rows.push(...this.references(parts))
      else {
        const columns = [...this.objects.keys()].map((key) => JSON.parse(key) as string[]).filter((key) => key.length === 4 && parts.every((name, i) => key[i] === name))
        for (const column of columns) rows.push(...this.references(column))
      }
    }
    return { columns: tagColumns, rows }
  }

  /**
   * `SHOW TAGS IN SCHEMA "D"."S"` or `IN DATABASE "D"`: Snowflake's lower-case columns, allowed
   * values as the JSON array text it prints. A container that does not exist fails with 002003.
   */
  private showTags(sql: string): SnowflakeReply {
    const p = new Parser(sql)
    p.expect('SHOW TAGS IN ')
    const keyword = p.keyword()
    const scope = p.names()
    p.end()
    if ((keyword !== 'SCHEMA' && keyword !== 'DATABASE') || scope.length !== (keyword === 'SCHEMA' ? 2 : 1)) throw syntax(sql)
    this.find(scope, keyword)
    const rows = [...this.definitions]
      .map(([key, allowed]) => ({ tag: JSON.parse(key) as string[], allowed }))
      .filter(({ tag }) => scope.every((part, i) => tag[i] === part))
      .map(({ tag, allowed }) => ({ created_on: '2026-01-01 00:00:00.000 -0800', name: tag[2] ?? '', database_name: tag[0] ?? '', schema_name: tag[1] ?? '', owner: 'SYSADMIN', comment: '', allowed_values: allowed === null ? null : JSON.stringify(allowed), owner_role_type: 'ROLE' }))
    return { columns: ['created_on', 'name', 'database_name', 'schema_name', 'owner', 'comment', 'allowed_values', 'owner_role_type'], rows }
  }

  private find(name: string[], keyword: string): SnowflakeObject {
    const object = this.objects.get(JSON.stringify(name))
    const fits = object !== undefined && (keyword === object.type || (keyword === 'TABLE' && object.type === 'BASE TABLE'))
    if (!fits) throw Object.assign(new Error(`SQL compilation error: ${keyword} '${name.join('.')}' does not exist or not authorized.`), { code: '002003' })
    return object
  }

  private select(sql: string): SnowflakeReply {
    if (sql.includes('.INFORMATION_SCHEMA.TAG_REFERENCES')) return this.tagReferences(sql)
    const database = /^SELECT .* FROM "((?:[^"]|"")*)"\.INFORMATION_SCHEMA\.(\w+)/s.exec(sql)
    if (database === null) return { rows: [] }
    const db = (database[1] ?? '').replaceAll('""', '"')
    const view = database[2]
    const schemas = new Set(literals(sql.slice(sql.indexOf(' WHERE '))))
    const rows = [...this.objects].map(([key, object]) => ({ parts: JSON.parse(key) as string[], object })).filter(({ parts }) => parts[0] === db)
    switch (view) {
      case 'DATABASES':
        if (!this.objects.has(JSON.stringify([db]))) throw Object.assign(new Error(`Database '${db}' does not exist or not authorized.`), { code: '002003' })
        return { rows: rows.filter(({ parts }) => parts.length === 1).map(({ object }) => ({ DATABASE_NAME: db, DATABASE_OWNER: object.owner, COMMENT: object.comment })) }
      case 'SCHEMATA':
        return { rows: rows.filter(({ parts }) => parts.length === 2 && schemas.has(parts[1] ?? '')).map(({ parts, object }) => ({ SCHEMA_NAME: parts[1] ?? '', SCHEMA_OWNER: object.owner, COMMENT: object.comment })) }
      case 'TABLES':
        return {
          columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE', 'TABLE_OWNER', 'COMMENT'],
          rows: rows.filter(({ parts }) => parts.length === 3 && schemas.has(parts[1] ?? '')).map(({ parts, object }) => ({ TABLE_SCHEMA: parts[1] ?? '', TABLE_NAME: parts[2] ?? '', TABLE_TYPE: object.type, TABLE_OWNER: object.owner, COMMENT: object.comment })),
        }
      case 'COLUMNS':
        return {
          columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'COLUMN_NAME', 'COMMENT'],
          rows: rows.filter(({ parts }) => parts.length === 4 && schemas.has(parts[1] ?? '')).map(({ parts, object }) => ({ TABLE_SCHEMA: parts[1] ?? '', TABLE_NAME: parts[2] ?? '', COLUMN_NAME: parts[3] ?? '', COMMENT: object.comment })),
        }
      default:
        return { rows: [] }
    }
  }
}

const syntax = (sql: string): Error => Object.assign(new Error(`SQL compilation error: syntax error in ${JSON.stringify(sql.slice(0, 120))}`), { code: '001003' })

/** The string literals of a SQL text, decoded. */
function literals(sql: string): string[] {
  const out: string[] = []
  const p = new Parser(sql)
  while (p.skipTo("'")) out.push(p.literal())
  return out
}

/** A cursor over one statement: quoted names and backslash-escaped literals, as Snowflake reads them. */
class Parser {
  private at = 0
  constructor(private readonly sql: string) {}

  peek(text: string): boolean {
    return this.sql.startsWith(text, this.at)
  }

  eat(text: string): boolean {
    if (!this.sql.startsWith(text, this.at)) return false
    this.at += text.length
    return true
  }

  expect(text: string): void {
    if (!this.eat(text)) throw syntax(this.sql)
  }

  end(): void {
    if (this.at !== this.sql.length) throw syntax(this.sql)
  }

  skipTo(char: string): boolean {
    const next = this.sql.indexOf(char, this.at)
    if (next < 0) return false
    this.at = next
    return true
  }

  keyword(): string {
    for (const word of ['MATERIALIZED VIEW', 'DATABASE', 'SCHEMA', 'TABLE', 'VIEW', 'COLUMN']) if (this.eat(`${word} `)) return word
    throw syntax(this.sql)
  }

  names(): string[] {
    const out: string[] = []
    do {
      this.expect('"')
      let name = ''
      for (;;) {
        const char = this.sql[this.at++]
        if (char === undefined) throw syntax(this.sql)
        if (char === '"') {
          if (this.sql[this.at] !== '"') break
          this.at++
        }
        name += char
      }
      out.push(name)
    } while (this.eat('.'))
    return out
  }

  literal(): string {
    this.expect("'")
    const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '0': '\0' }
    let out = ''
    for (;;) {
      const char = this.sql[this.at++]
      if (char === undefined) throw syntax(this.sql)
      if (char === '\\') {
        const next = this.sql[this.at++] ?? ''
        out += named[next] ?? next
      } else if (char === "'") {
        if (this.sql[this.at] !== "'") return out
        this.at++
        out += "'"
      } else out += char
    }
  }
}
