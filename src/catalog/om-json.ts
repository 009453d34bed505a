import { createHash } from 'node:crypto'
import type { OmEntityReference, OmEntityType, OmTagLabel } from '../openmetadata/om-types.js'

/**
 * OpenMetadata's JSON building blocks, written with the key order of OpenMetadata's generated
 * POJOs: clients and event consumers that compare payloads byte for byte (signatures, recorded
 * fixtures) see what a real server sends.
 */

export type CatalogEntityType = OmEntityType
export const catalogEntityTypes: readonly CatalogEntityType[] = ['database', 'databaseSchema', 'table']

/** A mutable entity while it is being built or patched; served as OmEntity. */
export type EntityJson = Record<string, unknown>

export const initialVersion = 0.1
/** EntityUtil.nextVersion / nextMajorVersion: rounded to one decimal so 0.1 steps never drift. */
export const nextVersion = (version: number): number => Math.round((version + 0.1) * 10) / 10
export const nextMajorVersion = (version: number): number => Math.round((version + 1.0) * 10) / 10

/**
 * The catalog keeps no databaseService entities, yet every reference needs an id: one derived
 * from the service name stays the same across processes and re-ingestion.
 */
export function serviceId(service: string): string {
  const h = createHash('sha1').update(`revmeta:databaseService:${service}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`
}

export function entityReference(ref: { id: string; type: string; name?: string; fullyQualifiedName?: string; displayName?: string; deleted?: boolean }): OmEntityReference {
  const out: Record<string, unknown> = { id: ref.id, type: ref.type }
  if (ref.name !== undefined) out.name = ref.name
  if (ref.fullyQualifiedName !== undefined) out.fullyQualifiedName = ref.fullyQualifiedName
  if (ref.displayName !== undefined) out.displayName = ref.displayName
  out.deleted = ref.deleted ?? false
  return out as unknown as OmEntityReference
}

export function tagLabel(label: { tagFQN: string; name?: string; description?: string; source?: string; labelType?: string; state?: string }): OmTagLabel {
  const out: Record<string, unknown> = { tagFQN: label.tagFQN }
  if (label.name !== undefined) out.name = label.name
  if (label.description !== undefined && label.description !== '') out.description = label.description
  out.source = label.source ?? 'Classification'
  out.labelType = label.labelType ?? 'Manual'
  out.state = label.state ?? 'Confirmed'
  return out as unknown as OmTagLabel
}

/** OpenMetadata keeps an entity's tags sorted by tagFQN (compareTagLabel). */
export function sortTags(tags: readonly OmTagLabel[]): OmTagLabel[] {
  return [...tags].sort((a, b) => (a.tagFQN < b.tagFQN ? -1 : a.tagFQN > b.tagFQN ? 1 : 0))
}

/** An empty description is no description, on both sides of every comparison. */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]))
  }
  if (!isRecord(a) || !isRecord(b)) return false
  const keys = Object.keys(a).filter((k) => a[k] !== undefined)
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false
  return keys.every((k) => jsonEqual(a[k], b[k]))
}

export const clone = <T>(value: T): T => structuredClone(value)
