import { assertStorableText } from '../kit/text-checks.js'

/**
 * SQL Server string literals. `N'...'` keeps every character outside the code page, and a quote
 * is doubled. One trap remains: a backslash right before a line break is a line continuation, and
 * SQL Server removes both. Such a value is split so the backslash ends one literal and the line
 * break starts the next: `(N'a\' + N'<LF>b')`, an expression, valid wherever an expression is (a
 * DECLARE initializer), and a loud syntax error, never a silent change, where only a constant is.
 */
const continuation = /\\(?=[\r\n])/g

export function mssqlLiteral(value: string): string {
  assertStorableText(value, { engine: 'mssql', what: 'value' })
  const pieces = value.replace(continuation, '\\\u0000').split('\u0000')
  const literals = pieces.map((piece) => `N'${piece.replaceAll("'", "''")}'`)
  return literals.length === 1 ? literals[0]! : `(${literals.join(' + ')})`
}

/** `[name]` with `]` doubled: the one identifier quoting that works whatever QUOTED_IDENTIFIER says. */
export function mssqlBracket(name: string): string {
  return `[${name.replaceAll(']', ']]')}]`
}
