import { z } from 'zod'

/** A whole number, also accepted as digits in a string: `${PORT}` from the environment arrives as text. */
export function intField(min: number, max = 2_147_483_647) {
  return z.preprocess((value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value), z.number().int().min(min).max(max))
}

/** true/false, also as the strings 'true'/'false' for the same reason. */
export const boolField = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])

/** Bound on waiting for a lock before the statement gives up (each engine maps it to its own setting); 0: none. */
export const lockTimeoutMsField = intField(0).default(5_000)

/** Statements sent per round trip (or per call, for embedded engines). */
export const batchSizeField = intField(1, 100_000).default(200)
