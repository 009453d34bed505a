/**
 * The state store's one text encoding. PostgreSQL (and PGlite) cannot hold NUL in text, refuse
 * `\u0000` in jsonb and any unpaired surrogate in json or text, and node-pg would silently send an
 * unpaired surrogate as U+FFFD. Yet events, error messages and reports may quote such a value
 * (it is refused for the engine, but still recorded as received). So every string crossing into
 * the store has NUL, each unpaired surrogate, and the escape character itself written as the
 * escape character followed by four hex digits of the UTF-16 code unit, and reads undo it. The
 * escape character is a Unicode noncharacter (meant for a program's internal use), so real text
 * practically never pays for the encoding, and the encoding is exactly reversible.
 *
 * Both sides work on JSON text where they can (one regex pass over a batch), so common text costs
 * a single scan that finds nothing.
 */

/** U+FDD0: a noncharacter, valid UTF-8, stored by every PostgreSQL as is. */
export const storeEscape = '\uFDD0'

const unsafeChar = /[\u0000\uFDD0]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const encodedChar = /\uFDD0([0-9a-f]{4})/g
/** In JSON.stringify's output: an escaped backslash (skipped, so the scan stays aligned), `\u0000`, an escaped lone surrogate, or the escape character. */
const unsafeJson = /\\\\|\\u(0000|d[89a-f][0-9a-f]{2})|\uFDD0/g
const mayBeUnsafeJson = /\\u(?:0000|d[89a-f])|\uFDD0/

const hex4 = (code: number) => code.toString(16).padStart(4, '0')

/** A string as the store keeps it in a text column. */
export function encodeStoreText(value: string): string {
  unsafeChar.lastIndex = 0
  return unsafeChar.test(value) ? value.replace(unsafeChar, (c) => storeEscape + hex4(c.charCodeAt(0))) : value
}

/** A text column's value as it was before encodeStoreText. */
export function decodeStoreText(value: string): string {
  return value.includes(storeEscape) ? value.replace(encodedChar, (_, code: string) => String.fromCharCode(parseInt(code, 16))) : value
}

/** encodeStoreText for a nullable value. */
export function encodeStoreTextOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : encodeStoreText(value)
}

/** JSON text of `value` with every string encoded as encodeStoreText would, for json and jsonb columns. */
export function encodeStoreJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null'
  if (!mayBeUnsafeJson.test(text)) return text
  return text.replace(unsafeJson, (match, code: string | undefined) => {
    if (match === storeEscape) return storeEscape + hex4(storeEscape.charCodeAt(0))
    return code === undefined ? match : storeEscape + code
  })
}

/**
 * Parses JSON text read from the store (a json column or aggregate read as text), turning every
 * encoded character back into a JSON escape first, so JSON.parse restores the original strings.
 */
export function parseStoreJson<T = unknown>(text: string): T {
  return JSON.parse(text.includes(storeEscape) ? text.replace(encodedChar, '\\u$1') : text) as T
}

/** A value the driver already parsed from JSON, with its strings decoded (deep; only walks when needed). */
export function decodeStoreValue<T>(value: T): T {
  if (typeof value === 'string') return decodeStoreText(value) as T
  if (value === null || typeof value !== 'object') return value
  // Rare path: re-reading through JSON keeps the walk iterative for any nesting.
  const text = JSON.stringify(value)
  return text.includes(storeEscape) ? parseStoreJson<T>(text) : value
}
