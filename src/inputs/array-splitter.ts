/**
 * Splits the text of one top-level JSON array into its elements' texts, chunk by chunk, for the
 * streaming reader (stream-events.ts) and for whole inputs that need checking element by element
 * (read-input.ts). An element longer than the limit is not held: it is scanned to its end and
 * reported as too large, and the next element is read as usual.
 */

/** An element's text, or why there is no element where one was expected. */
export interface Piece {
  readonly text: string
  readonly line: number
  readonly problem?: string
  /** Set when the element was longer than the splitter's limit: its text was dropped while reading it. */
  readonly tooLarge?: number
  /** Deepest nesting of arrays and objects seen in the element (the element itself is 1), tracked for free while scanning. */
  readonly depth?: number
}

const [QUOTE, BACKSLASH, COMMA, NEWLINE] = [34, 92, 44, 10]
const [OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = [123, 125, 91, 93]
const STRING_STOP = /["\\\n]/g

/**
 * Splits the text of one top-level JSON array into its elements' texts, chunk by chunk. It only
 * tracks what decides where an element ends (strings, escapes, bracket depth) and leaves checking
 * each element to JSON.parse, so a bad element costs that element and no more.
 */
export class ArraySplitter {
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
  /** Characters the current element had when it passed the limit; its text is no longer kept. */
  private dropped = 0
  private deepest = 0

  /** `maxChars`: longest element kept; a longer one is scanned to its end without being held, and comes out as tooLarge. */
  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

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
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++this.depth > this.deepest) this.deepest = this.depth
      }
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
    if (this.dropped > 0) return [{ text: '', line: this.elementLine, problem: 'the input ends inside this element', tooLarge: this.dropped }]
    const cutOff = this.inString || this.depth > 0 || !(text.endsWith('}') || text.endsWith(']'))
    if (text.length === 0) return []
    // A complete object or array before the cut is still a whole event; a scalar might be truncated.
    return [cutOff ? { text, line: this.elementLine, problem: 'the input ends inside this element' } : { text, line: this.elementLine, depth: this.deepest }]
  }

  /** Problems with the array as a whole, once the input has ended. */
  trailing(): string[] {
    const problems: string[] = []
    if (this.state === 'inside') problems.push(`the input ends before the array's closing ']' (after ${this.elements} elements); it is probably truncated`)
    if (this.junkAfter) problems.push("there is text after the array's closing ']'; it is ignored")
    return problems
  }

  private keep(text: string): void {
    if (this.dropped > 0) {
      this.dropped += text.length
      return
    }
    this.parts.push(text)
    this.heldChars += text.length
    if (this.heldChars > this.maxChars) {
      // Past the limit the element is only scanned for its end, so memory stays bounded.
      this.dropped = this.heldChars
      this.parts = []
      this.heldChars = 0
    }
  }

  private take(last: string, byComma: boolean, out: Piece[]): void {
    const line = this.started ? this.elementLine : this.line
    if (this.dropped > 0 || this.heldChars + last.length > this.maxChars) {
      const size = this.dropped + this.heldChars + last.length
      this.parts = []
      this.heldChars = 0
      this.dropped = 0
      this.started = false
      this.elements++
      if (byComma) this.commas++
      this.deepest = 0
      out.push({ text: '', line, tooLarge: size })
      return
    }
    this.parts.push(last)
    const text = this.parts.join('').trim()
    this.parts = []
    const deepest = this.deepest
    this.deepest = 0
    this.heldChars = 0
    this.started = false
    if (text.length > 0) {
      this.elements++
      out.push({ text, line, depth: deepest })
    } else if (byComma) {
      this.elements++
      out.push({ text, line, problem: "it is empty (a ',' with no element before it)" })
    } else if (this.commas > 0) {
      out.push({ text, line, problem: "it is empty (a ',' right before the closing ']')" })
    }
    if (byComma) this.commas++
  }
}

