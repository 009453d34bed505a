import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { RevmetaError } from '../errors/revmeta-error.js'
import { isRecord } from './input-errors.js'

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
  /**
   * Largest array element held while looking for its end. One unclosed string or bracket would
   * otherwise make "the current element" the whole rest of the input; past this size reading stops.
   */
  readonly maxElementChars?: number
}

/**
 * The streaming counterpart of parseEventsText (read-input.ts), for inputs too large to hold: a
 * top-level JSON array is split into its elements by a small scanner, JSON lines are read line by
 * line, and only one element or line is in memory at a time. A bad element or line is reported as
 * INPUT_MALFORMED, naming it, and reading goes on. A line holding an array or the `{data: [...]}`
 * answer of GET /api/v1/events yields its elements. A document spanning several lines that is not
 * an array (one pretty-printed webhook body, or that `{data: [...]}` answer) cannot be split, so it
 * is read whole; so is everything after a first line that looks like the start of one but is not
 * (a cut-off first line in JSON lines), which is then reported line by line as parseEventsText does.
 * Failing to read the source at all throws INPUT_UNREADABLE.
 */
export async function* streamEvents(source: string | NodeJS.ReadableStream, options: StreamEventsOptions = {}): AsyncGenerator<StreamedEvent> {
  const name = options.name ?? (typeof source !== 'string' ? 'the input stream' : source === '-' ? 'standard input' : source)
  const stream = typeof source !== 'string' ? source : source === '-' ? process.stdin : createReadStream(source)
  const text = decodedText(stream, name)
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
  if (first === '[') yield* readArray(rest, name, options.maxElementChars ?? 64 * 1024 * 1024, counter)
  else if (first === '{') yield* readLines(rest, name, counter)
  else {
    await text.return(undefined)
    const why = `it starts with ${JSON.stringify(first)}, so it is neither a JSON array of events nor JSON lines`
    yield { index: 0, error: new RevmetaError('INPUT_UNREADABLE', `Cannot read events from ${name}: ${why}`, { details: { source: name } }) }
  }
}

/** The stream as text, decoding UTF-8 across chunk boundaries; read failures become INPUT_UNREADABLE. */
async function* decodedText(stream: NodeJS.ReadableStream, name: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const piece = typeof chunk === 'string' ? chunk : decoder.write(chunk)
      if (piece.length > 0) yield piece
    }
  } catch (error) {
    throw new RevmetaError('INPUT_UNREADABLE', `Cannot read ${name}: ${(error as Error).message}`, { details: { source: name }, cause: error })
  }
  const tail = decoder.end()
  if (tail.length > 0) yield tail
}

const malformed = (message: string, details: Record<string, string | number>, cause?: unknown) => new RevmetaError('INPUT_MALFORMED', message, { details, cause })

// ─── JSON array ─────────────────────────────────────────────────────────────────────────────────

async function* readArray(text: AsyncIterable<string>, name: string, maxChars: number, counter: { next: number }): AsyncGenerator<StreamedEvent> {
  const splitter = new ArraySplitter()
  const emit = function* (pieces: Piece[]): Generator<StreamedEvent> {
    for (const piece of pieces) {
      const index = counter.next++
      const where = `${name}, array element ${index} (line ${piece.line})`
      const details = { source: name, element: index, line: piece.line }
      if (piece.problem !== undefined) {
        yield { index, error: malformed(`${where}: ${piece.problem}; the element is skipped`, details) }
        continue
      }
      try {
        yield { index, item: JSON.parse(piece.text) as unknown }
      } catch (error) {
        yield { index, error: malformed(`${where}: not valid JSON (${(error as Error).message}); the element is skipped`, details, error) }
      }
    }
  }
  for await (const chunk of text) {
    yield* emit(splitter.push(chunk))
    if (splitter.held > maxChars) {
      const index = counter.next++
      const why = `array element ${index} (line ${splitter.elementLine}) is still open after ${maxChars} characters; an unclosed string or bracket is likely, so reading stops`
      yield { index, error: malformed(`${name}: ${why}`, { source: name, element: index, line: splitter.elementLine }) }
      return
    }
  }
  yield* emit(splitter.end())
  for (const problem of splitter.trailing()) {
    yield { index: counter.next++, error: malformed(`${name}: ${problem}`, { source: name, line: splitter.line }) }
  }
}

/** An element's text, or why there is no element where one was expected. */
interface Piece {
  readonly text: string
  readonly line: number
  readonly problem?: string
}

const [QUOTE, BACKSLASH, COMMA, NEWLINE] = [34, 92, 44, 10]
const [OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = [123, 125, 91, 93]
const STRING_STOP = /["\\\n]/g

/**
 * Splits the text of one top-level JSON array into its elements' texts, chunk by chunk. It only
 * tracks what decides where an element ends (strings, escapes, bracket depth) and leaves checking
 * each element to JSON.parse, so a bad element costs that element and no more.
 */
class ArraySplitter {
  line = 1
  elementLine = 1
  private state: 'before' | 'inside' | 'after' = 'before'
  private parts: string[] = []
  private heldChars = 0
  private depth = 0
  private inString = false
  private escaped = false
  /** Whether the current element has shown a significant character yet: its line is where it starts. */
  private started = false
  private commas = 0
  private elements = 0
  private junkAfter = false

  /**
   * Whether the text so far stops inside an object or array but not inside a string: a JSON string
   * cannot hold a raw line break, so a line that ends inside one is cut off, not continued.
   */
  get midValue(): boolean {
    return this.state === 'inside' && this.depth > 0 && !this.inString
  }

  /** Characters of the current, unfinished element held in memory. */
  get held(): number {
    return this.heldChars
  }

  push(chunk: string): Piece[] {
    const out: Piece[] = []
    let start = 0
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString && !this.escaped) {
        // Event texts are mostly string content: jump to the next character that matters there.
        STRING_STOP.lastIndex = i
        const stop = STRING_STOP.exec(chunk)
        if (stop === null) break
        i = stop.index
      }
      const c = chunk.charCodeAt(i)
      if (c === NEWLINE) this.line++
      if (this.state === 'before') {
        // The caller sniffed '[' as the first significant character; whitespace (and a BOM) precede it.
        if (c === OPEN_BRACKET) {
          this.state = 'inside'
          start = i + 1
        }
        continue
      }
      if (this.state === 'after') {
        if (c !== 32 && c !== 9 && c !== 13 && c !== NEWLINE) this.junkAfter = true
        continue
      }
      if (!this.started && c !== 32 && c !== 9 && c !== 13 && c !== NEWLINE) {
        this.started = true
        this.elementLine = this.line
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) this.inString = false
      } else if (c === QUOTE) this.inString = true
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) this.depth--
      else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
        this.take(chunk.slice(start, i), c === COMMA, out)
        start = i + 1
        if (c === CLOSE_BRACKET) this.state = 'after'
      }
    }
    if (this.state === 'inside' && start < chunk.length) this.keep(chunk.slice(start))
    return out
  }

  /** What is left when the input ends: an element cut off, for the caller to report. */
  end(): Piece[] {
    if (this.state !== 'inside') return []
    const text = this.parts.join('').trim()
    this.parts = []
    this.heldChars = 0
    const cutOff = this.inString || this.depth > 0 || !(text.endsWith('}') || text.endsWith(']'))
    if (text.length === 0) return []
    // A complete object or array before the cut is still a whole event; a scalar might be truncated.
    return [cutOff ? { text, line: this.elementLine, problem: 'the input ends inside this element' } : { text, line: this.elementLine }]
  }

  /** Problems with the array as a whole, once the input has ended. */
  trailing(): string[] {
    const problems: string[] = []
    if (this.state === 'inside') problems.push(`the input ends before the array's closing ']' (after ${this.elements} elements); it is probably truncated`)
    if (this.junkAfter) problems.push("there is text after the array's closing ']'; it is ignored")
    return problems
  }

  private keep(text: string): void {
    this.parts.push(text)
    this.heldChars += text.length
  }

  private take(last: string, byComma: boolean, out: Piece[]): void {
    this.parts.push(last)
    const text = this.parts.join('').trim()
    const line = this.started ? this.elementLine : this.line
    this.parts = []
    this.heldChars = 0
    this.started = false
    if (text.length > 0) {
      this.elements++
      out.push({ text, line })
    } else if (byComma) {
      this.elements++
      out.push({ text, line, problem: "it is empty (a ',' with no element before it)" })
    } else if (this.commas > 0) {
      out.push({ text, line, problem: "it is empty (a ',' right before the closing ']')" })
    }
    if (byComma) this.commas++
  }
}

// ─── JSON lines ─────────────────────────────────────────────────────────────────────────────────

async function* readLines(text: AsyncIterable<string>, name: string, counter: { next: number }): AsyncGenerator<StreamedEvent> {
  const input = Readable.from(text)
  const lines = createInterface({ input, crlfDelay: Infinity })
  let lineNo = 0
  let document: { readonly firstLine: number; readonly lines: string[] } | undefined
  try {
    for await (const line of lines) {
      lineNo++
      if (document !== undefined) {
        document.lines.push(line)
        continue
      }
      if (line.trim().length === 0) continue
      let value: unknown
      try {
        value = JSON.parse(line) as unknown
      } catch (error) {
        // Only the first value may open a multi-line document: later, a line is one event or bad.
        if (counter.next === 0 && opensDocument(line)) document = { firstLine: lineNo, lines: [line] }
        else yield badLine(counter, name, lineNo, error)
        continue
      }
      for (const item of itemsOf(value)) yield { index: counter.next++, item }
    }
  } finally {
    // A consumer that stops early must not leave the source open: destroying the input closes it.
    lines.close()
    input.destroy()
  }
  if (document !== undefined) yield* readDocument(document.lines, document.firstLine, name, counter)
}

function* readDocument(lines: readonly string[], firstLine: number, name: string, counter: { next: number }): Generator<StreamedEvent> {
  let whole: unknown
  try {
    whole = JSON.parse(lines.join('\n')) as unknown
  } catch {
    // Not one document after all, e.g. JSON lines whose first line is cut off: report line by line,
    // as parseEventsText does.
    for (const [i, line] of lines.entries()) {
      if (line.trim().length === 0) continue
      try {
        for (const item of itemsOf(JSON.parse(line) as unknown)) yield { index: counter.next++, item }
      } catch (error) {
        yield badLine(counter, name, firstLine + i, error)
      }
    }
    return
  }
  for (const item of itemsOf(whole)) yield { index: counter.next++, item }
}

function badLine(counter: { next: number }, name: string, line: number, error: unknown): StreamedEvent {
  const message = `${name}, line ${line}: not valid JSON (${(error as Error).message}); the line is skipped`
  return { index: counter.next++, error: malformed(message, { source: name, line }, error) }
}

/** Whether a first line that is not JSON by itself reads as the start of a multi-line document. */
function opensDocument(line: string): boolean {
  // The array scanner already tracks strings and depth: read the line as if it opened an element.
  const scanner = new ArraySplitter()
  scanner.push(`[${line}`)
  return scanner.midValue
}

function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (isRecord(value) && Array.isArray(value.data) && value.eventType === undefined && value.entityType === undefined) return value.data
  return [value]
}
