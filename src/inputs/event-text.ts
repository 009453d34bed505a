import { RevmetaError } from '../errors/revmeta-error.js'
import { depthExceeds, tooDeep, tooLarge, type InputLimits } from './input-limits.js'
import { hasInvalidBytes, notUtf8 } from './utf8-text.js'

type Details = Record<string, string | number>

/** INPUT_MALFORMED for an element or line that cannot be read, with where it is in details. */
export const malformed = (message: string, details: Details, cause?: unknown) => new RevmetaError('INPUT_MALFORMED', message, { details, cause })

/** How the readers check one element, line or document before and after parsing it. */
export interface TextChecks {
  readonly limits: InputLimits
  /** True when the input had invalid UTF-8 somewhere: texts are then searched for its mark. */
  readonly marks: boolean
}

/**
 * The JSON value of one element, line or document of an events input, or the coded error that
 * refuses it: invalid UTF-8 (INPUT_NOT_UTF8), too long (INPUT_TOO_LARGE), not JSON
 * (INPUT_MALFORMED). `where` names it, e.g. `events.json, line 4`.
 */
export function parseChecked(text: string, where: string, what: string, details: Details, checks: TextChecks): { value: unknown } | { error: RevmetaError } {
  if (checks.marks && hasInvalidBytes(text)) return { error: notUtf8(where, details) }
  const max = checks.limits.maxEventChars
  if (text.length > max) return { error: oversized(where, what, text.length, max, details) }
  try {
    return { value: JSON.parse(text) as unknown }
  } catch (error) {
    return { error: malformed(`${where}: not valid JSON (${(error as Error).message}); the ${what} is skipped`, details, error) }
  }
}

/** INPUT_TOO_DEEP for an event nested past the limit, else undefined. */
export function depthError(item: unknown, where: string, details: Details, limits: InputLimits): RevmetaError | undefined {
  return depthExceeds(item, limits.maxDepth) ? tooDeep(where, limits.maxDepth, details) : undefined
}

export function oversized(where: string, what: string, size: number, max: number, details: Details): RevmetaError {
  return tooLarge(where, `${size} characters or more, over input.maxEventChars (${max}); the ${what} is skipped and reading goes on`, { ...details, maxEventChars: max })
}
