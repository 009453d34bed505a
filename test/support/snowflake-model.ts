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

export class SnowflakeModel {
  /** Keyed by JSON of the name parts: ["SALES"], ["SALES","PUBLIC"], ... */
  readonly objects = new Map<string, SnowflakeObject>()

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
      else {
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

  private find(name: string[], keyword: string): SnowflakeObject {
    const object = this.objects.get(JSON.stringify(name))
    const fits = object !== undefined && (keyword === object.type || (keyword === 'TABLE' && object.type === 'BASE TABLE'))
    if (!fits) throw Object.assign(new Error(`SQL compilation error: ${keyword} '${name.join('.')}' does not exist or not authorized.`), { code: '002003' })
    return object
  }

  private select(sql: string): SnowflakeReply {
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
