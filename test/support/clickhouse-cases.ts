import { hostileBase, mixedUnicode } from './hostile-strings.js'

/** Every C0 control character, DEL, and the characters ClickHouse's lexer treats specially. */
export const controlCharacters = `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\x7f`

/**
 * The shared hostile values plus what only ClickHouse cares about: NUL (a C string boundary in
 * embedded engines), backticks, `{name:Type}` placeholders, and escape sequences written literally.
 */
export const clickhouseHostile: Readonly<Record<string, string>> = {
  ...hostileBase,
  unicode: mixedUnicode,
  nul: 'before\0after\0',
  controls: controlCharacters,
  backticks: 'a `quoted` name \\` and \\\\`',
  placeholders: '{dbs:Array(String)} {x:String} ? :name @p',
  escapes: String.raw`\0 \n \x41 \N \' \\ \u0041 %s`,
  separators: '\u2028\u2029\uFEFF\u00A0',
}

/**
 * Decodes a ClickHouse quoted token ('...' or `...`) as ClickHouse's lexer does for the escapes
 * the dialect emits, so golden text is also proven to mean the original.
 */
export function decodeClickhouseQuoted(token: string): string {
  const quote = token[0]
  if ((quote !== "'" && quote !== '`') || token.at(-1) !== quote || token.length < 2) throw new Error(`not a quoted token: ${token.slice(0, 40)}`)
  const body = token.slice(1, -1)
  const named: Record<string, string> = { '\\': '\\', "'": "'", '`': '`', '0': '\0', n: '\n', r: '\r', t: '\t' }
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch === quote) throw new Error(`unescaped quote at ${i}`)
    if (ch.charCodeAt(0) < 0x20 || ch === '\x7f') throw new Error(`raw control character at ${i}`)
    if (ch !== '\\') {
      out += ch
      continue
    }
    const next = body[i + 1]
    if (next === 'x') {
      const hex = body.slice(i + 2, i + 4)
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`bad \\x escape at ${i}`)
      out += String.fromCharCode(parseInt(hex, 16))
      i += 3
    } else if (next !== undefined && named[next] !== undefined) {
      out += named[next]
      i++
    } else throw new Error(`unexpected escape at ${i}`)
  }
  return out
}
