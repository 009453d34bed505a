/**
 * Internal failure raised while rendering. Helpers throw it without knowing where in the template
 * they run; the evaluator attaches the span of the innermost expression and turns it into a
 * RevmetaError, so every helper stays free of location bookkeeping.
 */
export type FaultKind =
  | 'TypeError'
  | 'ValueError'
  | 'IndexError'
  | 'KeyError'
  | 'ZeroDivisionError'
  | 'OverflowError'
  | 'AttributeError'
  | 'UnboundLocalError'
  | 'LimitExceeded'
  | 'HostError'
  | 'MissingVariable'

export class TemplateFault extends Error {
  start: number | undefined
  end: number | undefined

  constructor(
    readonly kind: FaultKind,
    message: string,
    readonly extra: { variable?: string; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
    this.name = 'TemplateFault'
  }
}

export function typeError(message: string): TemplateFault {
  return new TemplateFault('TypeError', message)
}

export function valueError(message: string): TemplateFault {
  return new TemplateFault('ValueError', message)
}

export function limitExceeded(message: string): TemplateFault {
  return new TemplateFault('LimitExceeded', message)
}
