import { RevmetaError } from '../../errors/revmeta-error.js'
import { identifierName, isKeyword, LexError, significant, tokenize, type LexRules, type Token } from './mysql-tokens.js'

/**
 * Rewrites one column definition, as SHOW CREATE TABLE prints it, so that only its COMMENT
 * changes. MODIFY COLUMN replaces the whole column, so every other byte is kept as the server
 * printed it; whatever this code cannot account for is refused rather than guessed at.
 *
 * Refused (UNSUPPORTED):
 * - text the lexer cannot read completely (unterminated quotes or comments, stray characters,
 *   unbalanced parentheses) or that holds U+FFFD (bytes the driver could not decode);
 * - a definition that does not start with the column's own quoted name, or holds nothing else;
 * - a top-level ',' or ';' (more than one column or statement);
 * - line comments, plain comments (MariaDB's `/* mariadb-5.3 *\/` marks an old storage format
 *   that MODIFY would silently convert), and versioned comments holding more than bare words;
 * - REFERENCES (SHOW CREATE TABLE never prints it inline, so its clause order is unknown);
 * - more than one top-level COMMENT, or a COMMENT not followed by exactly one string literal;
 * - under NO_BACKSLASH_ESCAPES, a string literal holding a backslash: the server prints
 *   literals backslash-escaped whatever the sql_mode, so that session would read them differently.
 */
export function rewriteColumnComment(definition: string, column: string, commentLiteral: string, rules: LexRules): string {
  const refuse = (why: string): never => {
    throw new RevmetaError('UNSUPPORTED', `Cannot prove a lossless MODIFY COLUMN for ${JSON.stringify(column)}: ${why}; the column definition read back was ${JSON.stringify(clip(definition))}`, {
      details: { column, reason: why },
    })
  }
  if (definition.includes('\uFFFD')) refuse('it holds U+FFFD, so bytes were lost when it was read')
  let tokens: Token[]
  try {
    tokens = tokenize(definition, rules)
  } catch (error) {
    if (error instanceof LexError) refuse(`it cannot be tokenized (${error.message})`)
    throw error
  }
  const words = significant(tokens)
  const name = words[0]
  if (name?.kind !== 'identifier') return refuse('it does not start with a quoted column name')
  if (identifierName(name).toLowerCase() !== column.toLowerCase()) refuse(`it defines ${JSON.stringify(identifierName(name))}, not this column`)
  if (words.length < 2) refuse('it holds no data type')

  const comments: number[] = []
  let anchor: Token | undefined
  words.forEach((token, index) => {
    if (token.kind === 'line-comment') refuse('it holds a line comment')
    if (token.kind === 'block-comment') checkBlockComment(token, refuse)
    const replaced = isKeyword(words[index - 1], 'COMMENT') && words[index - 1]!.depth === 0
    if (token.kind === 'string' && !rules.backslashEscapes && token.text.includes('\\') && !replaced) {
      refuse('under NO_BACKSLASH_ESCAPES it holds a string with a backslash, which SHOW CREATE TABLE printed as an escape')
    }
    if (token.depth > 0) return
    if (token.kind === 'punct' && (token.text === ',' || token.text === ';')) refuse(`it holds a top-level ${JSON.stringify(token.text)}`)
    if (isKeyword(token, 'REFERENCES')) refuse('it holds an inline REFERENCES clause')
    if (isKeyword(token, 'COMMENT')) comments.push(index)
    // MariaDB accepts a column's CHECK only after every other attribute, COMMENT included.
    if (anchor === undefined && (isKeyword(token, 'CHECK') || isKeyword(token, 'CONSTRAINT'))) anchor = token
  })
  if (comments.length > 1) refuse('it holds more than one COMMENT clause')

  if (comments.length === 1) {
    const index = comments[0]!
    const literal = words[index + 1]
    if (literal?.kind !== 'string' || literal.text[0] !== "'") return refuse('its COMMENT is not followed by a quoted string')
    // Adjacent literals concatenate: 'a' 'b' is one comment that this code would cut in half.
    if (words[index + 2]?.kind === 'string') refuse('its COMMENT is followed by more than one string')
    return definition.slice(0, literal.start) + commentLiteral + definition.slice(literal.end)
  }
  if (anchor !== undefined) return `${definition.slice(0, anchor.start)}COMMENT ${commentLiteral} ${definition.slice(anchor.start)}`
  const last = words[words.length - 1]!
  return `${definition.slice(0, last.end)} COMMENT ${commentLiteral}${definition.slice(last.end)}`
}

/**
 * Versioned comments (`/*!80023 INVISIBLE *\/`, `/*M!100301 COMPRESSED*\/`) are attributes the
 * server executes, kept verbatim; bare words only, so no COMMENT or string can hide inside.
 */
function checkBlockComment(token: Token, refuse: (why: string) => never): void {
  const versioned = /^\/\*M?!(\d{5,6})?([\s\S]*)\*\/$/.exec(token.text)
  if (versioned === null) refuse(`it holds the comment ${token.text}, which marks something MODIFY COLUMN would change`)
  const body = versioned![2]!
  if (!/^[\sA-Za-z0-9_]*$/.test(body)) refuse(`its versioned comment ${token.text} holds more than bare words`)
  if (/\bCOMMENT\b/i.test(body)) refuse(`its versioned comment ${token.text} holds a COMMENT`)
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
