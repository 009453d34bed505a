import { Cursor } from './mssql-decoder.js'

/**
 * Reads Oracle text as the server would, for golden tests: '...' with doubled quotes, the
 * alternative q'X...X' form (brackets pair: [] {} <> ()), "..." identifiers (no escapes: an
 * Oracle identifier cannot hold a double quote), and the statements revmeta renders. `&` means
 * nothing to the server (only SQL*Plus substitutes it), so it decodes as itself.
 */

const closers: Readonly<Record<string, string>> = { '[': ']', '{': '}', '<': '>', '(': ')' }

export function readOracleLiteral(c: Cursor): string {
  c.skipSpace()
  if (/^[nN]?[qQ]'/.test(c.text.slice(c.pos, c.pos + 3))) {
    c.pos += c.text[c.pos]!.toLowerCase() === 'n' ? 3 : 2
    const open = c.text[c.pos]!
    if (/\s/.test(open)) throw new Error('a q-quote delimiter cannot be whitespace')
    const close = closers[open] ?? open
    const end = c.text.indexOf(`${close}'`, c.pos + 1)
    if (end < 0) throw new Error('unterminated q-quoted literal')
    const value = c.text.slice(c.pos + 1, end)
    c.pos = end + 2
    return value
  }
  c.eat("'")
  let out = ''
  for (;;) {
    const ch = c.text[c.pos]
    if (ch === undefined) throw new Error('unterminated literal')
    c.pos++
    if (ch !== "'") {
      out += ch
      continue
    }
    if (c.text[c.pos] !== "'") return out
    out += "'"
    c.pos++
  }
}

export function decodeOracleLiteral(text: string): string {
  const c = new Cursor(text)
  const value = readOracleLiteral(c)
  if (!c.atEnd()) throw new Error(`text after the literal: ${text.slice(c.pos)}`)
  return value
}

export function readOracleIdentifier(c: Cursor): string {
  c.eat('"')
  const end = c.text.indexOf('"', c.pos)
  if (end < 0) throw new Error('unterminated identifier')
  const name = c.text.slice(c.pos, end)
  c.pos = end + 1
  return name
}

function readName(c: Cursor): string[] {
  const parts = [readOracleIdentifier(c)]
  while (c.text[c.pos] === '.') {
    c.pos++
    parts.push(readOracleIdentifier(c))
  }
  return parts
}

export type OracleEffect =
  | { readonly op: 'comment'; readonly keyword: 'TABLE' | 'MATERIALIZED VIEW' | 'COLUMN'; readonly name: readonly string[]; readonly value: string }
  | { readonly op: 'annotate'; readonly keyword: 'TABLE' | 'VIEW' | 'MATERIALIZED VIEW'; readonly name: readonly string[]; readonly column?: string; readonly action: 'add' | 'drop'; readonly key: string; readonly value?: string }

/** One statement the dialect renders, decoded; anything else throws. */
export function interpretOracle(sql: string): OracleEffect {
  const c = new Cursor(sql)
  if (c.tryEat('COMMENT ON')) {
    const keyword = c.tryEat('MATERIALIZED VIEW') ? 'MATERIALIZED VIEW' : c.tryEat('TABLE') ? 'TABLE' : (c.eat('COLUMN'), 'COLUMN')
    c.skipSpace()
    const name = readName(c)
    c.eat('IS')
    const value = readOracleLiteral(c)
    if (!c.atEnd()) throw new Error(`text after the statement: ${sql.slice(c.pos)}`)
    return { op: 'comment', keyword, name, value }
  }
  c.eat('ALTER')
  const keyword = c.tryEat('MATERIALIZED VIEW') ? 'MATERIALIZED VIEW' : c.tryEat('VIEW') ? 'VIEW' : (c.eat('TABLE'), 'TABLE')
  c.skipSpace()
  const name = readName(c)
  let column: string | undefined
  if (c.tryEat('MODIFY (')) {
    c.skipSpace()
    column = readOracleIdentifier(c)
  }
  c.eat('ANNOTATIONS (')
  let effect: OracleEffect
  if (c.tryEat('DROP IF EXISTS')) {
    c.skipSpace()
    effect = { op: 'annotate', keyword, name, ...(column !== undefined ? { column } : {}), action: 'drop', key: readOracleIdentifier(c) }
  } else {
    c.eat('ADD')
    c.skipSpace()
    const key = readOracleIdentifier(c)
    effect = { op: 'annotate', keyword, name, ...(column !== undefined ? { column } : {}), action: 'add', key, value: readOracleLiteral(c) }
  }
  c.eat(')')
  if (column !== undefined) c.eat(')')
  if (!c.atEnd()) throw new Error(`text after the statement: ${sql.slice(c.pos)}`)
  return effect
}
