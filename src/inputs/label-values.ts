import type { z } from 'zod'
import type { OwnerRef, TagLabel } from '../model/change.js'
import { ownerReferenceSchema, tagLabelSchema } from './change-event-schema.js'
import { malformed } from './input-errors.js'

/**
 * Decoding of the tag and owner values OpenMetadata puts in field changes and pipeline parameters:
 * JSON strings as the server emits them, or values a relay already parsed.
 */

/** A JSON string decoded, anything else as is. An empty string or `null` means "nothing". */
export function decodeJsonValue(value: unknown, field: string): unknown {
  if (typeof value !== 'string') return value
  if (value.trim().length === 0) return null
  try {
    return JSON.parse(value) as unknown
  } catch (error) {
    throw malformed(field, `the value is not valid JSON (${(error as Error).message})`, error)
  }
}

export function parseTagLabels(value: unknown, field: string): TagLabel[] {
  return decodeList(value, field, tagLabelSchema, 'TagLabel').map((tag) => {
    const out: { -readonly [K in keyof TagLabel]: TagLabel[K] } = { tagFQN: tag.tagFQN, source: tag.source ?? 'Classification' }
    if (tag.labelType != null) out.labelType = tag.labelType
    if (tag.state != null) out.state = tag.state
    if (tag.name != null) out.name = tag.name
    return out
  })
}

export function parseOwnerRefs(value: unknown, field: string): OwnerRef[] {
  return decodeList(value, field, ownerReferenceSchema, 'owner reference').map((ref) => {
    // The schema refuses a reference with none of the three; one with only an id has the empty
    // name until the catalog names it (owners/owner-directory.ts).
    const out: { -readonly [K in keyof OwnerRef]: OwnerRef[K] } = { type: ref.type, name: ref.name || ref.fullyQualifiedName || '' }
    if (ref.fullyQualifiedName != null) out.fullyQualifiedName = ref.fullyQualifiedName
    if (ref.displayName != null) out.displayName = ref.displayName
    if (ref.email != null) out.email = ref.email
    if (ref.id != null) out.id = ref.id
    return out
  })
}

export const tagKey = (tag: TagLabel): string => tag.tagFQN
export const ownerKey = (owner: OwnerRef): string => `${owner.type}:${owner.name || `#${owner.id}`}`

/** What `after` has that `before` lacks, and the reverse, compared by key. */
export function diffByKey<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const beforeKeys = new Set(before.map(key))
  const afterKeys = new Set(after.map(key))
  return { added: after.filter((item) => !beforeKeys.has(key(item))), removed: before.filter((item) => !afterKeys.has(key(item))) }
}

function decodeList<S extends z.ZodType>(value: unknown, field: string, schema: S, what: string): z.output<S>[] {
  const decoded = decodeJsonValue(value, field)
  if (decoded === null || decoded === undefined) return []
  // The legacy single `owner` field holds one reference rather than a list.
  const items = Array.isArray(decoded) ? decoded : [decoded]
  return items.map((item, i) => {
    const parsed = schema.safeParse(item)
    if (parsed.success) return parsed.data
    const issues = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    throw malformed(field, `item ${i} is not a valid ${what} (${issues.join('; ')})`)
  })
}
