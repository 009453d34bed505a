import { errorCodes, type ErrorCode } from './codes.js'

/** Structured context that names what failed: the event, the field, the asset, the statement. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | undefined>>

/** The only error type revmeta throws or reports on purpose. */
export class RevmetaError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly details: ErrorDetails

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetails; cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RevmetaError'
    this.code = code
    this.retryable = options.retryable ?? errorCodes[code].retryable
    this.details = options.details ?? {}
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: ErrorDetails } {
    const out: { code: ErrorCode; message: string; retryable: boolean; details?: ErrorDetails } = {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    }
    if (Object.keys(this.details).length > 0) out.details = this.details
    return out
  }
}

export function isRevmetaError(value: unknown): value is RevmetaError {
  return value instanceof RevmetaError
}

/** Wraps anything thrown by foreign code so reports always carry a code. */
export function toRevmetaError(value: unknown, fallback: ErrorCode = 'INTERNAL'): RevmetaError {
  if (value instanceof RevmetaError) return value
  const message = value instanceof Error ? value.message : String(value)
  return new RevmetaError(fallback, message, { cause: value })
}
