import { identifierName, LexError, tokenize, type Token } from './mysql-tokens.js'

/**
 * Each column's definition in a SHOW CREATE TABLE text, by column name, exactly as printed.
 *
 * The server prints string literals backslash-escaped whatever the session's sql_mode
 * (append_unescaped, Item::print), so the text is split with backslash escapes on; only the
 * identifier quote follows the session (ANSI_QUOTES prints "name"). Whether the definition can be
 * replayed in the session is the dialect's call, not this one's.
 *
 * Text that cannot be read completely yields no definitions: the dialect then refuses the
 * columns instead of acting on a guess.
 */
export function columnDefinitions(createTable: string, ansiQuotes: boolean): Map<string, string> {
  const definitions = new Map<string, string>()
  let tokens: Token[]
  try {
    tokens = tokenize(createTable, { backslashEscapes: true, ansiQuotes })
  } catch (error) {
    if (error instanceof LexError) return definitions
    throw error
  }
  const open = tokens.findIndex((token) => token.kind === 'punct' && token.text === '(' && token.depth === 0)
  if (open < 0) return definitions
  let element: Token[] = []
  const flush = (): void => {
    const parts = element.filter((token) => token.kind !== 'space')
    element = []
    const first = parts[0]
    const last = parts[parts.length - 1]
    // Keys, constraints and periods start with a keyword; only columns start with a quoted name.
    if (first?.kind !== 'identifier' || last === undefined) return
    definitions.set(identifierName(first), createTable.slice(first.start, last.end))
  }
  for (const token of tokens.slice(open + 1)) {
    if (token.depth === 0) {
      flush()
      break
    }
    if (token.depth === 1 && token.kind === 'punct' && token.text === ',') flush()
    else element.push(token)
  }
  return definitions
}
