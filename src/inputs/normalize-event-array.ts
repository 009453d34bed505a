import type { RevmetaError } from '../errors/revmeta-error.js'
import { ArraySplitter } from './array-splitter.js'
import { depthError } from './event-text.js'
import { defaultInputLimits, type InputLimits } from './input-limits.js'
import { normalizeChangeEventInto } from './normalize-change-events.js'
import { emptyNormalizeResult, type NormalizeResult } from './normalize-result.js'

export interface NormalizedArray {
  /** Elements read, those refused for their depth included. */
  readonly items: number
  readonly normalized: NormalizeResult
  /** Elements nested past input.maxDepth, as parseEventsText reports them. */
  readonly readErrors: RevmetaError[]
}

/**
 * parseEventsText followed by normalizeChangeEvents, fused for the usual input, a clean JSON array
 * of events: each element is parsed and normalized in turn. Parsed whole, every event lived until
 * the last was normalized, and the garbage collector copied the whole parsed tree twice on the
 * way; parsed one by one, each dies young. The result is the same, indexes and errors included.
 *
 * `text` is the decoded input, known to be valid UTF-8. Undefined for anything that is not a clean
 * array (JSON lines, one document, a bad, empty or oversized element, text after the array): the
 * caller then reads it the whole way, which words every problem. An array whose elements all split
 * cleanly and all parse is exactly a document that JSON.parse reads as that array.
 */
export function normalizeEventArray(text: string, source: string, limits: Partial<InputLimits> = {}): NormalizedArray | undefined {
  const checks = { ...defaultInputLimits, ...limits }
  const body = text.replace(/^\uFEFF/, '')
  if (body.length > checks.maxEventChars || !body.trimStart().startsWith('[')) return undefined
  const splitter = new ArraySplitter(checks.maxEventChars)
  const pieces = splitter.push(body)
  if (splitter.end().length > 0 || splitter.trailing().length > 0) return undefined
  for (const piece of pieces) if (piece.problem !== undefined || piece.tooLarge !== undefined) return undefined
  const normalized = emptyNormalizeResult()
  const readErrors: RevmetaError[] = []
  let next = 0
  for (let i = 0; i < pieces.length; i++) {
    let item: unknown
    try {
      item = JSON.parse(pieces[i]!.text) as unknown
    } catch {
      return undefined
    }
    const error = depthError(item, `${source}, element ${i}`, { source, element: i }, checks)
    if (error !== undefined) readErrors.push(error)
    else normalizeChangeEventInto(normalized, item, next++)
  }
  return { items: pieces.length, normalized, readErrors }
}
