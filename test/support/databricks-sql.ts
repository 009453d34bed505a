/**
 * Reading Databricks SQL as Databricks does, for the tests: string literals under its escape
 * rules (dialects.md §10 e: `\0 \b \n \r \t \Z` decoded, `\%` and `\_` keep their backslash, any
 * other `\x` is `x`; adjacent literals chain, so `'it''s'` reads `its`), backtick identifiers with
 * doubled backticks, and a token stream for the endpoint's model. Independent of the dialect: the
 * golden tests decode what the dialect rendered with this and compare with the original text.
 */
export type Token = { kind: 'ident'; text: string } | { kind: 'string'; text: string } | { kind: 'word'; text: string } | { kind: 'param'; text: string } | { kind: 'punct'; text: string }

const simple: Readonly<Record<string, string>> = { '0': '\u0000', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001a' }

/** Decodes one quoted literal starting at `start` (the quote); returns its text and where it ended. */
function readLiteral(sql: string, start: number): { text: string; end: number } {
  const quote = sql[start]!
  let out = ''
  let i = start + 1
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === '\\') {
      const next = sql[i + 1]
      if (next === undefined) throw new Error(`unterminated escape in ${sql}`)
      out += next === '%' || next === '_' ? `\\${next}` : (simple[next] ?? next)
      i += 2
      continue
    }
    if (ch === quote) return { text: out, end: i + 1 }
    out += ch
    i++
  }
  throw new Error(`unterminated literal in ${sql}`)
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (/\s/.test(ch)) {
      i++
    } else if (ch === "'" || ch === '"') {
      const { text, end } = readLiteral(sql, i)
      const last = tokens.at(-1)
      // Adjacent literals are chained into one, as Databricks reads them.
      if (last?.kind === 'string') last.text += text
      else tokens.push({ kind: 'string', text })
      i = end
    } else if (ch === '`') {
      let text = ''
      i++
      for (;;) {
        const next = sql.indexOf('`', i)
        if (next < 0) throw new Error(`unterminated identifier in ${sql}`)
        text += sql.slice(i, next)
        if (sql[next + 1] === '`') {
          text += '`'
          i = next + 2
        } else {
          i = next + 1
          break
        }
      }
      tokens.push({ kind: 'ident', text })
    } else if (ch === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const match = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i))!
      tokens.push({ kind: 'param', text: match[1]! })
      i += match[0].length
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!
      tokens.push({ kind: 'word', text: match[0] })
      i += match[0].length
    } else {
      tokens.push({ kind: 'punct', text: ch })
      i++
    }
  }
  return tokens
}

/** The one literal a piece of SQL holds (after chaining), as Databricks would store it. */
export function decodeLiteral(sql: string): string {
  const strings = tokenize(sql).filter((t) => t.kind === 'string')
  if (strings.length !== 1) throw new Error(`expected one literal in ${sql}, found ${strings.length}`)
  return strings[0]!.text
}

/** A cursor over tokens, for the model's small parser. */
export class TokenCursor {
  private i = 0
  constructor(readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset]
  }

  done(): boolean {
    return this.i >= this.tokens.length
  }

  /** Consumes the words given (case-insensitive) when they come next. */
  eat(...words: string[]): boolean {
    const match = words.every((word, k) => {
      const t = this.tokens[this.i + k]
      return t !== undefined && (t.kind === 'word' || t.kind === 'punct') && t.text.toUpperCase() === word.toUpperCase()
    })
    if (match) this.i += words.length
    return match
  }

  expect(...words: string[]): void {
    if (!this.eat(...words)) throw new Error(`expected ${words.join(' ')} at ${JSON.stringify(this.peek())}`)
  }

  next(kind: Token['kind']): string {
    const t = this.tokens[this.i]
    if (t === undefined || t.kind !== kind) throw new Error(`expected ${kind} at ${JSON.stringify(t)}`)
    this.i++
    return t.text
  }

  /** A dotted name of backtick identifiers (or bare words). */
  names(): string[] {
    const parts = [this.identOrWord()]
    while (this.eat('.')) parts.push(this.identOrWord())
    return parts
  }

  private identOrWord(): string {
    const t = this.tokens[this.i]
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'word')) throw new Error(`expected a name at ${JSON.stringify(t)}`)
    this.i++
    return t.text
  }
}
