import { open } from 'node:fs/promises'
import { RevmetaError } from '../errors/revmeta-error.js'
import { ArraySplitter } from './array-splitter.js'
import { isEventList } from './event-batch.js'
import { depthError, malformed, parseChecked, type TextChecks } from './event-text.js'
import { isRecord } from './input-errors.js'
import { defaultInputLimits, maxWholeInputBytes, tooLarge, type InputLimits } from './input-limits.js'
import { arrayEntries } from './stream-events.js'
import { decodeUtf8, hasInvalidBytes, notUtf8 } from './utf8-text.js'

type Parsed = { items: unknown[]; errors: RevmetaError[] }

/**
 * Splits an events file into items: a JSON array, a single JSON object (one webhook body), the
 * `{data: [...]}` answer of GET /api/v1/events, or JSON lines. In JSON lines a bad line is
 * reported and skipped so one truncated line does not lose a day of events. Each event is held to
 * the input limits (input-limits.ts): one too deep or too long is reported and skipped alone.
 */
export function parseEventsText(text: string, source: string, limits: Partial<InputLimits> = {}): Parsed {
  return parseWith(text, source, { limits: { ...defaultInputLimits, ...limits }, marks: false })
}

/**
 * parseEventsText for raw bytes: decoded as strict UTF-8, where an element, line or document
 * holding bytes that are not UTF-8 is refused with INPUT_NOT_UTF8 (never decoded to U+FFFD) and
 * the others still go. A UTF-8 byte order mark at the start is dropped.
 */
export function parseEventsBytes(bytes: Uint8Array, source: string, limits: Partial<InputLimits> = {}): Parsed {
  const { text, invalid } = decodeUtf8(bytes)
  return parseWith(text, source, { limits: { ...defaultInputLimits, ...limits }, marks: invalid })
}

function parseWith(text: string, source: string, checks: TextChecks): Parsed {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim().length === 0) return { items: [], errors: [] }
  // An array that may hold a bad or oversized element is checked element by element, so that
  // element alone is refused; a clean, modest array parses in one go.
  if (body.trimStart().startsWith('[') && (checks.marks || body.length > checks.limits.maxEventChars)) return splitArray(body, source, checks)
  let whole: unknown
  let wholeError: Error | undefined
  try {
    whole = JSON.parse(body) as unknown
  } catch (error) {
    wholeError = error as Error
  }
  if (wholeError === undefined) {
    if (Array.isArray(whole)) return checkDepths(whole, source, checks)
    if (isRecord(whole)) {
      const where = `${source}, the document`
      if (checks.marks && hasInvalidBytes(body)) return { items: [], errors: [notUtf8(where, { source })] }
      if (isEventList(whole)) return checkDepths(whole.data, source, checks)
      if (body.length > checks.limits.maxEventChars) return { items: [], errors: [parseChecked(body, where, 'document', { source }, checks)].flatMap((p) => ('error' in p ? [p.error] : [])) }
      return checkDepths([whole], source, checks)
    }
    return { items: [], errors: [unreadable(source, 'it holds a single JSON value, not an event, an array of events or JSON lines')] }
  }
  return parseJsonLines(body, source, wholeError, checks)
}

function checkDepths(values: readonly unknown[], source: string, checks: TextChecks): Parsed {
  const items: unknown[] = []
  const errors: RevmetaError[] = []
  values.forEach((item, i) => {
    const error = depthError(item, `${source}, element ${i}`, { source, element: i }, checks.limits)
    if (error === undefined) items.push(item)
    else errors.push(error)
  })
  return { items, errors }
}

function splitArray(body: string, source: string, checks: TextChecks): Parsed {
  const splitter = new ArraySplitter(checks.limits.maxEventChars)
  const counter = { next: 0 }
  const items: unknown[] = []
  const errors: RevmetaError[] = []
  for (const entry of [...arrayEntries(splitter.push(body), source, checks, counter), ...arrayEntries(splitter.end(), source, checks, counter)]) {
    if (entry.error) errors.push(entry.error)
    else items.push(entry.item)
  }
  for (const problem of splitter.trailing()) errors.push(malformed(`${source}: ${problem}`, { source, line: splitter.line }))
  return { items, errors }
}

function parseJsonLines(body: string, source: string, wholeError: Error, checks: TextChecks): Parsed {
  const items: unknown[] = []
  const errors: RevmetaError[] = []
  let lines = 0
  body.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return
    lines++
    const where = `${source}, line ${i + 1}`
    const parsed = parseChecked(line, where, 'line', { source, line: i + 1 }, checks)
    if ('error' in parsed) {
      errors.push(parsed.error)
      return
    }
    for (const item of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
      const error = depthError(item, where, { source, line: i + 1 }, checks.limits)
      if (error === undefined) items.push(item)
      else errors.push(error)
    }
  })
  // Nothing but lines that are not JSON: the input is not JSON lines at all.
  if (items.length === 0 && errors.length === lines && errors.every((e) => e.code === 'INPUT_MALFORMED')) {
    return { items, errors: [unreadable(source, `it is neither a JSON document nor JSON lines (${wholeError.message})`, wholeError)] }
  }
  return { items, errors }
}

function unreadable(source: string, why: string, cause?: unknown): RevmetaError {
  return new RevmetaError('INPUT_UNREADABLE', `Cannot read events from ${source}: ${why}`, { details: { source }, cause })
}

/**
 * The bytes of a file, or of standard input for '-', up to `maxBytes` (and never more than can be
 * held as one string): a larger input is refused with INPUT_TOO_LARGE, pointing at streaming.
 */
export async function readInputBytes(pathOrDash: string, options: { stdin?: NodeJS.ReadableStream; maxBytes?: number } = {}): Promise<Buffer> {
  const path = pathOrDash === '-' ? 'standard input' : pathOrDash
  const max = Math.min(options.maxBytes ?? defaultInputLimits.maxInputBytes, maxWholeInputBytes)
  const refuse = () =>
    tooLarge(path, `more than ${max} bytes, more than is read whole (input.maxInputBytes, or the ${maxWholeInputBytes}-byte ceiling of an input held in memory); apply streams inputs of any size (--stream)`, { source: path, maxInputBytes: max })
  const chunks: Buffer[] = []
  let size = 0
  try {
    if (pathOrDash !== '-') {
      const file = await open(pathOrDash)
      try {
        if ((await file.stat()).size > max) throw refuse()
        return await file.readFile()
      } finally {
        await file.close()
      }
    }
    for await (const chunk of options.stdin ?? process.stdin) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      size += bytes.length
      if (size > max) throw refuse()
      chunks.push(bytes)
    }
    return Buffer.concat(chunks)
  } catch (error) {
    if (error instanceof RevmetaError) throw error
    throw new RevmetaError('INPUT_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, { details: { path }, cause: error })
  }
}

/** The text of a file, or of standard input for '-', as strict UTF-8: bytes that are not UTF-8 refuse it (INPUT_NOT_UTF8). */
export async function readInputText(pathOrDash: string, stdin: NodeJS.ReadableStream = process.stdin, maxBytes?: number): Promise<string> {
  const bytes = await readInputBytes(pathOrDash, { stdin, ...(maxBytes === undefined ? {} : { maxBytes }) })
  const { text, invalid } = decodeUtf8(bytes)
  const path = pathOrDash === '-' ? 'standard input' : pathOrDash
  if (invalid) throw notUtf8(path, { source: path })
  return text.replace(/^\uFEFF/, '')
}
