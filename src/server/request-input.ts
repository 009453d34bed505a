import type { z } from 'zod'
import { RevmetaError } from '../errors/revmeta-error.js'
import { formatIssues } from '../config/format-issues.js'

/** A route's query, params or body checked once at the boundary: REQUEST_INVALID (400) naming the field otherwise. */
export function requestInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {})
  if (!parsed.success) throw new RevmetaError('REQUEST_INVALID', `Invalid ${what}: ${formatIssues(parsed.error.issues).join('; ')}`)
  return parsed.data
}
