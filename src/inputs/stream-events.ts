import { createReadStream } from 'node:fs'
import { RevmetaError } from '../errors/revmeta-error.js'
import { ArraySplitter, type Piece } from './array-splitter.js'
import { depthError, malformed, oversized, parseChecked, type TextChecks } from './event-text.js'
import { isRecord } from './input-errors.js'
import { defaultInputLimits, tooDeep, tooLarge, type InputLimits } from './input-limits.js'
import { Utf8StreamDecoder } from './utf8-text.js'

/** One entry of an events stream: an item to normalize, or why one could not be read. */
export interface StreamedEvent {
  /** Position among the stream's entries, from 0; a bad element or line takes a position too. */
  readonly index: number
  readonly item?: unknown
  readonly error?: RevmetaError
}

export interface StreamEventsOptions {
  /** How messages name the input; defaults to the path, `standard input` for '-', or `the input stream`. */
  readonly name?: string
  /** Depth, event size and input size limits (config `input`); defaults: defaultInputLimits. */
  readonly limits?: Partial<InputLimits>
}

/** What the reading side learns while decoding, for the readers to act on. */
interface ReadState {
  /** Set once an invalid UTF-8 sequence was seen: element and line texts are then checked for its mark. */
  marks: boolean
  bytes: number
  /** Set when reading stopped at input.maxInputBytes. */
  stopped: boolean
}

/**
 * The streaming counterpart of parseEventsText (read-input.ts), for inputs too large to hold: a
 * top-level JSON array is split into its elements by a small scanner, JSON lines are read line by
 * line, and only one element or line is in memory at a time. A bad element or line is reported,
 * naming it, and reading goes on: INPUT_MALFORMED (not JSON), INPUT_NOT_UTF8 (bytes that are not
 * UTF-8: refused, never altered), INPUT_TOO_LARGE (longer than input.maxEventChars: not held, only
 * scanned to its end), INPUT_TOO_DEEP (nested past input.maxDepth). Past input.maxInputBytes
 * reading stops with INPUT_TOO_LARGE. A line holding an array or the `{data: [...]}`
 * answer of GET /api/v1/events yields its elements. A document spanning several lines that is not
 * an array (one pretty-printed webhook body, or that `{data: [...]}` answer) cannot be split, so it
 * is read whole; so is everything after a first line that looks like the start of one but is not
 * (a cut-off first line in JSON lines), which is then reported line by line as parseEventsText does.
 * Failing to read the source at all throws INPUT_UNREADABLE.
 */
export async function* streamEvents(source: string | NodeJS.ReadableStream, options: StreamEventsOptions = {}): AsyncGenerator<StreamedEvent> {
  const name = options.name ?? (typeof source !== 'string' ? 'the input stream' : source === '-' ? 'standard input' : source)
  const limits: InputLimits = { ...defaultInputLimits, ...options.limits }
  const stream = typeof source !== 'string' ? source : source === '-' ? process.stdin : createReadStream(source)
  const state: ReadState = { marks: false, bytes: 0, stopped: false }
  const text = decodedText(stream, name, limits.maxInputBytes, state)
  // Sniff the first significant character without losing what was read: it goes back in front.
  let prefix = ''
  let first: string | undefined
  while (first === undefined) {
    const next = await text.next()
    if (next.done) return
    prefix += prefix.length === 0 ? next.value.replace(/^\uFEFF/, '') : next.value
    first = prefix.match(/[^ \t\r\n]/)?.[0]
  }
  const rest = (async function* () {
    yield prefix
    yield* text
  })()
  const counter = { next: 0 }
  const checks = { limits, get marks() { return state.marks } }
  if (first === '[') yield* readArray(rest, name, checks, counter)
  else if (first === '{') yield* readLines(rest, name, checks, counter)
  else {
    await text.return(undefined)
    const why = `it starts with ${JSON.stringify(first)}, so it is neither a JSON array of events nor JSON lines`
    yield { index: 0, error: new RevmetaError('INPUT_UNREADABLE', `Cannot read events from ${name}: ${why}`, { details: { source: name } }) }
    return
  }
  if (state.stopped) {
    const why = `reading stopped after ${limits.maxInputBytes} bytes (input.maxInputBytes); the events after that point are not read`
    yield { index: counter.next++, error: tooLarge(name, why, { source: name, maxInputBytes: limits.maxInputBytes }) }
  }
}

/**
 * The stream as text, decoding UTF-8 strictly across chunk boundaries (see utf8-text.ts) and
 * stopping at `maxBytes`; read failures become INPUT_UNREADABLE.
 */
async function* decodedText(stream: NodeJS.ReadableStream, name: string, maxBytes: number, state: ReadState): AsyncGenerator<string> {
  const decoder = new Utf8StreamDecoder()
  const source = stream as AsyncIterable<Buffer | string> & Partial<{ destroy(): void }>
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
      if (state.bytes + bytes > maxBytes) {
        state.stopped = true
        break
      }
      state.bytes += bytes
      const piece = typeof chunk === 'string' ? chunk : decoder.write(chunk)
      state.marks ||= decoder.invalid
      if (piece.length > 0) yield piece
    }
  } catch (error) {
    throw new RevmetaError('INPUT_UNREADABLE', `Cannot read ${name}: ${(error as Error).message}`, { details: { source: name }, cause: error })
  }
  const tail = decoder.end()
  state.marks ||= decoder.invalid
  if (tail.length > 0) yield tail
}

// ─── JSON array ─────────────────────────────────────────────────────────────────────────────────

async function* readArray(text: AsyncIterable<string>, name: string, checks: TextChecks, counter: { next: number }): AsyncGenerator<StreamedEvent> {
  const splitter = new ArraySplitter(checks.limits.maxEventChars)
  for await (const chunk of text) yield* arrayEntries(splitter.push(chunk), name, checks, counter)
  yield* arrayEntries(splitter.end(), name, checks, counter)
  for (const problem of splitter.trailing()) {
    yield { index: counter.next++, error: malformed(`${name}: ${problem}`, { source: name, line: splitter.line }) }
  }
}

/** The entries of an array's elements as the splitter cut them; shared with parseEventsText. */
export function* arrayEntries(pieces: readonly Piece[], name: string, checks: TextChecks, counter: { next: number }): Generator<StreamedEvent> {
  for (const piece of pieces) {
    const index = counter.next++
    const where = `${name}, array element ${index} (line ${piece.line})`
    const details = { source: name, element: index, line: piece.line }
    if (piece.tooLarge !== undefined) {
      yield { index, error: oversized(where, 'element', piece.tooLarge, checks.limits.maxEventChars, details) }
      continue
    }
    if (piece.problem !== undefined) {
      yield { index, error: malformed(`${where}: ${piece.problem}; the element is skipped`, details) }
      continue
    }
    const parsed = parseChecked(piece.text, where, 'element', details, checks)
    if ('error' in parsed) yield { index, error: parsed.error }
    else {
      // The splitter measured the depth while scanning; only an element it did not measure is walked.
      const deep = piece.depth === undefined ? depthError(parsed.value, where, details, checks.limits) : piece.depth > checks.limits.maxDepth ? tooDeep(where, checks.limits.maxDepth, details) : undefined
      yield deep === undefined ? { index, item: parsed.value } : { index, error: deep }
    }
  }
}

// ─── JSON lines ─────────────────────────────────────────────────────────────────────────────────

/** One line of text; a line longer than the limit is not held, only counted. */
interface Line {
  readonly text: string
  readonly tooLong?: number
}

/**
 * Lines of a text stream, ended by \n, \r\n or \r as readline ends them. Unlike readline, a line
 * past `maxChars` is dropped while it is read (one endless line cannot exhaust memory).
 */
async function* splitLines(text: AsyncIterable<string>, maxChars: number): AsyncGenerator<Line> {
  let parts: string[] = []
  let held = 0
  let dropped = 0
  let afterCR = false
  const add = (piece: string) => {
    if (dropped > 0 || held + piece.length > maxChars) {
      dropped += held + piece.length
      parts = []
      held = 0
    } else if (piece.length > 0) {
      parts.push(piece)
      held += piece.length
    }
  }
  const done = (): Line => {
    const line: Line = dropped > 0 ? { text: '', tooLong: dropped } : { text: parts.join('') }
    parts = []
    held = 0
    dropped = 0
    return line
  }
  for await (const chunk of text) {
    let start = 0
    if (afterCR && chunk.startsWith('\n')) start = 1
    afterCR = false
    const breaks = /\r\n|\r|\n/g
    breaks.lastIndex = start
    for (let m = breaks.exec(chunk); m !== null; m = breaks.exec(chunk)) {
      add(chunk.slice(start, m.index))
      yield done()
      start = m.index + m[0].length
      // A \r at the very end may be the first half of a \r\n split across chunks.
      if (m[0] === '\r' && start === chunk.length) afterCR = true
    }
    add(chunk.slice(start))
  }
  if (held > 0 || dropped > 0) yield done()
}

async function* readLines(text: AsyncIterable<string>, name: string, checks: TextChecks, counter: { next: number }): AsyncGenerator<StreamedEvent> {
  const max = checks.limits.maxEventChars
  let lineNo = 0
  let document: { readonly firstLine: number; readonly lines: string[]; chars: number } | undefined
  for await (const line of splitLines(text, max)) {
    lineNo++
    if (document !== undefined) {
      document.lines.push(line.text)
      document.chars += line.text.length + 1
      if (line.tooLong === undefined && document.chars <= max) continue
      // A document read whole is one event: past the limit it is refused, and nothing follows it.
      yield { index: counter.next++, error: oversized(`${name}, the document starting on line ${document.firstLine}`, 'document', document.chars + (line.tooLong ?? 0), max, { source: name, line: document.firstLine }) }
      return
    }
    if (line.tooLong !== undefined) {
      yield { index: counter.next++, error: oversized(`${name}, line ${lineNo}`, 'line', line.tooLong, max, { source: name, line: lineNo }) }
      continue
    }
    if (line.text.trim().length === 0) continue
    const parsed = parseChecked(line.text, `${name}, line ${lineNo}`, 'line', { source: name, line: lineNo }, checks)
    if ('error' in parsed) {
      // Only the first value may open a multi-line document: later, a line is one event or bad.
      if (parsed.error.code === 'INPUT_MALFORMED' && counter.next === 0 && opensDocument(line.text)) document = { firstLine: lineNo, lines: [line.text], chars: line.text.length }
      else yield { index: counter.next++, error: parsed.error }
      continue
    }
    yield* lineEntries(parsed.value, name, lineNo, checks, counter)
  }
  if (document !== undefined) yield* readDocument(document.lines, document.firstLine, name, checks, counter)
}

function* readDocument(lines: readonly string[], firstLine: number, name: string, checks: TextChecks, counter: { next: number }): Generator<StreamedEvent> {
  const whole = parseChecked(lines.join('\n'), `${name}, the document starting on line ${firstLine}`, 'document', { source: name, line: firstLine }, checks)
  if ('value' in whole) {
    yield* lineEntries(whole.value, name, firstLine, checks, counter)
    return
  }
  if (whole.error.code !== 'INPUT_MALFORMED') {
    yield { index: counter.next++, error: whole.error }
    return
  }
  // Not one document after all, e.g. JSON lines whose first line is cut off: report line by line,
  // as parseEventsText does.
  for (const [i, line] of lines.entries()) {
    if (line.trim().length === 0) continue
    const parsed = parseChecked(line, `${name}, line ${firstLine + i}`, 'line', { source: name, line: firstLine + i }, checks)
    if ('error' in parsed) yield { index: counter.next++, error: parsed.error }
    else yield* lineEntries(parsed.value, name, firstLine + i, checks, counter)
  }
}

/** The events of one parsed line or document, each checked for depth on its own. */
function* lineEntries(value: unknown, name: string, line: number, checks: TextChecks, counter: { next: number }): Generator<StreamedEvent> {
  for (const item of itemsOf(value)) {
    const index = counter.next++
    const error = depthError(item, `${name}, line ${line}`, { source: name, line, element: index }, checks.limits)
    yield error === undefined ? { index, item } : { index, error }
  }
}

/** Whether a first line that is not JSON by itself reads as the start of a multi-line document. */
function opensDocument(line: string): boolean {
  // The array scanner already tracks strings and depth: read the line as if it opened an element.
  const scanner = new ArraySplitter()
  scanner.push(`[${line}`)
  return scanner.midValue
}

/** The events a line or document holds: the elements of an array or of the `{data: [...]}` answer, else itself. */
export function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (isRecord(value) && Array.isArray(value.data) && value.eventType === undefined && value.entityType === undefined) return value.data
  return [value]
}
