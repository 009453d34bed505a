import { RevmetaError } from '../errors/revmeta-error.js'
import { isEventList } from './event-batch.js'
import { isRecord } from './input-errors.js'
import { defaultInputLimits, depthExceeds, tooDeep, tooLarge, type InputLimits } from './input-limits.js'

/**
 * Strict UTF-8 decoding of inputs. Input that is not UTF-8 (a Latin-1 export, a cut multi-byte
 * character) must be refused, never turned into U+FFFD and written to a database as if the
 * catalog said so. Refusing a whole file for one bad line would lose every other event, so
 * invalid bytes are decoded as a mark (an unpaired low surrogate, which decoding valid UTF-8
 * can never yield), and the readers refuse the element or line holding a mark.
 */
export const invalidMark = '\uDFFF'

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const markPattern = /(?<![\uD800-\uDBFF])\uDFFF/

/** The bytes as text, invalid sequences as invalidMark; `invalid` says whether there were any. */
export function decodeUtf8(bytes: Uint8Array): { text: string; invalid: boolean } {
  try {
    return { text: fatal.decode(bytes), invalid: false }
  } catch {
    return { text: decodeMarking(bytes), invalid: true }
  }
}

/** Whether decoded text holds a mark of invalid bytes. */
export function hasInvalidBytes(text: string): boolean {
  return markPattern.test(text)
}

export function notUtf8(where: string, details: Record<string, string | number>): RevmetaError {
  return new RevmetaError('INPUT_NOT_UTF8', `${where}: not valid UTF-8 (a Latin-1 or other non-UTF-8 encoding, or a cut character); it is refused, not altered`, { details })
}

/** Decodes a byte stream chunk by chunk; a character split across chunks waits for its end. */
export class Utf8StreamDecoder {
  /** True once any invalid byte was seen. */
  invalid = false
  private pending: Uint8Array | undefined

  write(chunk: Uint8Array): string {
    const bytes = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk])
    const cut = bytes.length - incompleteTail(bytes)
    this.pending = cut < bytes.length ? bytes.slice(cut) : undefined
    return this.decode(bytes.subarray(0, cut))
  }

  end(): string {
    const rest = this.pending
    this.pending = undefined
    return rest === undefined ? '' : this.decode(rest)
  }

  private decode(bytes: Uint8Array): string {
    const { text, invalid } = decodeUtf8(bytes)
    this.invalid ||= invalid
    return text
  }
}

/**
 * One webhook body (or any single JSON document held as bytes) parsed as an event: a UTF-8 BOM is
 * dropped; invalid UTF-8, invalid JSON, or nesting past the limit is a coded error for the body.
 */
export function parseEventBody(body: Uint8Array, limits: InputLimits = defaultInputLimits, name = 'Webhook body'): unknown {
  const { text, invalid } = decodeUtf8(body)
  if (invalid) throw notUtf8(name, { source: name })
  if (text.length > limits.maxEventChars) throw tooLarge(name, `longer than ${limits.maxEventChars} characters (input.maxEventChars)`, { source: name })
  let value: unknown
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown
  } catch (cause) {
    throw new RevmetaError('INPUT_MALFORMED', `${name} is not JSON: ${(cause as Error).message}`, { cause, details: { source: name } })
  }
  // A batch's wrapper does not count against the depth of the events it holds.
  const wrapper = Array.isArray(value) ? 1 : isRecord(value) && isEventList(value) ? 2 : 0
  if (depthExceeds(value, limits.maxDepth + wrapper)) throw tooDeep(name, limits.maxDepth, { source: name })
  return value
}

/** Bytes at the end that start a multi-byte character not complete yet (0 to 3). */
function incompleteTail(b: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, b.length); k++) {
    const c = b[b.length - k] as number
    if ((c & 0xc0) === 0x80) continue
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1
    return need > k ? k : 0
  }
  return 0
}

const cont = (c: number | undefined) => c !== undefined && (c & 0xc0) === 0x80
const within = (c: number | undefined, lo: number, hi: number) => c !== undefined && c >= lo && c <= hi

/** Length of the well-formed UTF-8 sequence at i (Unicode table 3-7), 0 when there is none. */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i] as number
  if (c < 0x80) return 1
  if (c >= 0xc2 && c <= 0xdf) return cont(b[i + 1]) ? 2 : 0
  if (c === 0xe0) return within(b[i + 1], 0xa0, 0xbf) && cont(b[i + 2]) ? 3 : 0
  if (c === 0xed) return within(b[i + 1], 0x80, 0x9f) && cont(b[i + 2]) ? 3 : 0
  if (c >= 0xe1 && c <= 0xef) return cont(b[i + 1]) && cont(b[i + 2]) ? 3 : 0
  if (c === 0xf0) return within(b[i + 1], 0x90, 0xbf) && cont(b[i + 2]) && cont(b[i + 3]) ? 4 : 0
  if (c >= 0xf1 && c <= 0xf3) return cont(b[i + 1]) && cont(b[i + 2]) && cont(b[i + 3]) ? 4 : 0
  if (c === 0xf4) return within(b[i + 1], 0x80, 0x8f) && cont(b[i + 2]) && cont(b[i + 3]) ? 4 : 0
  return 0
}

function decodeMarking(b: Uint8Array): string {
  const parts: string[] = []
  let start = 0
  let i = 0
  while (i < b.length) {
    const n = sequenceAt(b, i)
    if (n > 0) {
      i += n
      continue
    }
    parts.push(fatal.decode(b.subarray(start, i)), invalidMark)
    i++
    start = i
  }
  parts.push(fatal.decode(b.subarray(start)))
  return parts.join('')
}
