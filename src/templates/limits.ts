import { limitExceeded } from './faults.js'

/**
 * Safety limits. A template is user input running inside the service, so every way to make it
 * expensive (repetition, ranges, comprehensions, padding, big integers) is capped, and the caps
 * are checked before anything is allocated.
 */
export const LIMITS = Object.freeze({
  /** Rendered output, in UTF-16 code units. */
  maxOutputLength: 1_000_000,
  /** Any intermediate string, in UTF-16 code units. */
  maxStringLength: 1_000_000,
  /** Any intermediate list or tuple, in items. */
  maxListLength: 1_000_000,
  maxRangeLength: 100_000,
  maxSteps: 1_000_000,
  /** Syntactic nesting, expression depth and host value depth. */
  maxDepth: 100,
  /** Width and precision in a format spec, and the width argument of ljust/rjust/center/zfill. */
  maxFormatWidth: 10_000,
  /** Integers stay exact (bigint) but bounded: about 4,900 decimal digits. */
  maxIntBits: 16_384,
  maxTemplateLength: 1_000_000,
})

/** Characters of string work that count as one evaluation step. */
const CHARS_PER_STEP = 16

/**
 * The budget of the render in progress. String helpers deep in the call tree charge their O(n)
 * scans here instead of threading a parameter through every signature; renders are synchronous,
 * and a nested render (from a host function) restores the outer budget when it ends.
 */
let active: Budget | undefined

export function withBudget<T>(budget: Budget, run: () => T): T {
  const outer = active
  active = budget
  try {
    return run()
  } finally {
    active = outer
  }
}

/** Charges the active render for touching `size` characters or items (no-op outside a render). */
export function chargeWork(size: number): void {
  active?.work(size)
}

/** Per-render counter of evaluation work. */
export class Budget {
  private steps = 0

  step(count = 1): void {
    this.steps += count
    if (this.steps > LIMITS.maxSteps) throw limitExceeded(`more than ${LIMITS.maxSteps.toLocaleString('en-US')} evaluation steps`)
  }

  /** Charges for touching `size` characters or items, so huge strings cannot be reworked cheaply. */
  work(size: number): void {
    if (size > CHARS_PER_STEP) this.step(Math.ceil(size / CHARS_PER_STEP))
  }

  /** Checks a string length before it is built, then charges for building it. */
  string(length: number): void {
    checkStringLength(length)
    this.work(length)
  }

  list(length: number): void {
    checkListLength(length)
    this.work(length)
  }
}

export function checkStringLength(length: number): void {
  if (length > LIMITS.maxStringLength) throw limitExceeded(`string longer than ${LIMITS.maxStringLength.toLocaleString('en-US')} characters`)
}

export function checkOutputLength(length: number): void {
  if (length > LIMITS.maxOutputLength) throw limitExceeded(`output longer than ${LIMITS.maxOutputLength.toLocaleString('en-US')} characters`)
}

export function checkListLength(length: number): void {
  if (length > LIMITS.maxListLength) throw limitExceeded(`list longer than ${LIMITS.maxListLength.toLocaleString('en-US')} items`)
}

export function checkWidth(width: number | bigint, what = 'format width'): void {
  if (width > LIMITS.maxFormatWidth) throw limitExceeded(`${what} over ${LIMITS.maxFormatWidth.toLocaleString('en-US')}`)
}

export function checkIntBits(bits: number | bigint): void {
  if (bits > LIMITS.maxIntBits) throw limitExceeded(`integer larger than 2**${LIMITS.maxIntBits}`)
}

export function checkRangeLength(count: bigint): void {
  if (count > BigInt(LIMITS.maxRangeLength)) throw limitExceeded(`range() over more than ${LIMITS.maxRangeLength.toLocaleString('en-US')} items`)
}
