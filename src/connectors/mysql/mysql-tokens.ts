/**
 * A MySQL/MariaDB lexer, just detailed enough to find clause boundaries in the server's own
 * output (SHOW CREATE TABLE) without ever mistaking text inside a string, a quoted name or a
 * comment for syntax. It accounts for every character: anything it does not recognise is an
 * error, so callers can refuse instead of guessing.
 */

/** How the session reads quotes: both flags come from its sql_mode. */
export interface LexRules {
  /** Backslash escapes inside strings; off under NO_BACKSLASH_ESCAPES. */
  readonly backslashEscapes: boolean
  /** "..." quotes a name instead of a string; on under ANSI_QUOTES (and ANSI). */
  readonly ansiQuotes: boolean
}

export type TokenKind = 'space' | 'word' | 'identifier' | 'string' | 'block-comment' | 'line-comment' | 'punct'

export interface Token {
  readonly kind: TokenKind
  /** The exact source text, quotes and comment markers included. */
  readonly text: string
  readonly start: number
  readonly end: number
  /** Parenthesis nesting at the token; a '(' has the depth outside it. */
  readonly depth: number
}

export class LexError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`)
  }
}

/** The lexing rules a session with this sql_mode applies. */
export function lexRulesFor(sqlMode: string): LexRules {
  const modes = new Set(sqlMode.split(',').map((mode) => mode.trim().toUpperCase()))
  return {
    backslashEscapes: !modes.has('NO_BACKSLASH_ESCAPES'),
    // The combination modes are expanded in @@sql_mode, but a configured value may hold them.
    ansiQuotes: ['ANSI_QUOTES', 'ANSI', 'ORACLE', 'MSSQL', 'DB2', 'POSTGRESQL', 'MAXDB'].some((mode) => modes.has(mode)),
  }
}

const space = /[ \t\n\r\f\v]/
// Unquoted names may hold any character from U+0080 on; digits and '$' too.
const wordChar = /[A-Za-z0-9_$\u0080-\uFFFF]/
const punctuation = new Set(['(', ')', ',', ';', '.', '=', '+', '-', '*', '/', '%', '<', '>', '!', '&', '|', '^', '~', ':', '@', '?', '{', '}', '[', ']'])

export function tokenize(source: string, rules: LexRules): Token[] {
  const tokens: Token[] = []
  let depth = 0
  let i = 0
  const push = (kind: TokenKind, end: number, tokenDepth = depth): void => {
    tokens.push({ kind, text: source.slice(i, end), start: i, end, depth: tokenDepth })
    i = end
  }
  while (i < source.length) {
    const ch = source[i]!
    const next = source[i + 1]
    if (space.test(ch)) {
      let end = i + 1
      while (end < source.length && space.test(source[end]!)) end++
      push('space', end)
    } else if (ch === '`') {
      push('identifier', closeQuoted(source, i, '`', false))
    } else if (ch === "'") {
      push('string', closeQuoted(source, i, "'", rules.backslashEscapes))
    } else if (ch === '"') {
      push(rules.ansiQuotes ? 'identifier' : 'string', closeQuoted(source, i, '"', !rules.ansiQuotes && rules.backslashEscapes))
    } else if (ch === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2)
      if (close < 0) throw new LexError('unterminated /* comment', i)
      push('block-comment', close + 2)
    } else if (ch === '#' || (ch === '-' && next === '-' && (i + 2 >= source.length || /[\s]/.test(source[i + 2]!)))) {
      const newline = source.indexOf('\n', i)
      push('line-comment', newline < 0 ? source.length : newline)
    } else if (ch === '(') {
      push('punct', i + 1)
      depth++
    } else if (ch === ')') {
      if (depth === 0) throw new LexError('unbalanced )', i)
      depth--
      push('punct', i + 1)
    } else if (punctuation.has(ch)) {
      push('punct', i + 1)
    } else if (wordChar.test(ch) && !isSurrogateOrReplacement(ch)) {
      let end = i + 1
      while (end < source.length && wordChar.test(source[end]!) && !isSurrogateOrReplacement(source[end]!)) end++
      push('word', end)
    } else if (isHighSurrogate(ch) && isLowSurrogate(next)) {
      // A character outside the BMP in an unquoted name: MySQL refuses those, and so do we.
      throw new LexError(`unexpected character U+${source.codePointAt(i)!.toString(16).toUpperCase()}`, i)
    } else {
      throw new LexError(`unexpected character ${JSON.stringify(ch)}`, i)
    }
  }
  if (depth !== 0) throw new LexError(`${depth} unclosed (`, source.length)
  return tokens
}

/** The end (exclusive) of a quoted token opened at `start`; a doubled quote stays inside. */
function closeQuoted(source: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1
  while (i < source.length) {
    const ch = source[i]!
    if (backslashEscapes && ch === '\\') {
      i += 2
      continue
    }
    if (ch === quote) {
      if (source[i + 1] === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  throw new LexError(`unterminated ${quote} quote`, start)
}

/** The name inside a quoted identifier token. */
export function identifierName(token: Token): string {
  const quote = token.text[0]!
  return token.text.slice(1, -1).replaceAll(quote + quote, quote)
}

/** A bare word, compared as MySQL compares keywords. */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'word' && token.text.toUpperCase() === word
}

export const significant = (tokens: readonly Token[]): Token[] => tokens.filter((token) => token.kind !== 'space')

function isHighSurrogate(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '\uD800' && ch <= '\uDBFF'
}

function isLowSurrogate(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '\uDC00' && ch <= '\uDFFF'
}

function isSurrogateOrReplacement(ch: string): boolean {
  return (ch >= '\uD800' && ch <= '\uDFFF') || ch === '\uFFFD'
}
