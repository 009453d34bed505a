import type { OmEntityReference, OmTeam, OmUser } from '../openmetadata/om-types.js'
import { decodeStoreText } from '../store/store-text.js'
import { badRequest } from './catalog-error.js'
import { entityReference } from './om-json.js'
import { quoteFqnPart } from '../model/fqn.js'

/** FullyQualifiedName.quoteName for a single name: quoted when it holds a dot, a double quote escaped as OpenMetadata escapes it. */
export function quoteName(name: string): string {
  return quoteFqnPart(name)
}

export function validName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw badRequest(`${what} needs a name`)
  if (value.length > 256) throw badRequest(`${what} name is longer than 256 characters`)
  quoteName(value)
  return value
}

export function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`)
  return value
}

/**
 * A row read from the directory's tables with its strings as they were given (the store keeps
 * them through encodeStoreText). Ids are UUIDs and never encoded.
 */
export function decodeRow<T extends object>(row: T): T {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'string' ? decodeStoreText(value) : value
  return out as T
}

/** A boolean column: PostgreSQL gives true/false, SQLite 1/0. */
export const isTrue = (value: boolean | number | null | undefined): boolean => value === true || value === 1

export interface PrincipalDbRow {
  id: string
  name: string
  email: string | null
  display_name: string | null
}

export interface UserDbRow extends PrincipalDbRow {
  is_bot: boolean | number
}

export function principalRef(type: 'user' | 'team', row: PrincipalDbRow): OmEntityReference {
  return entityReference({ id: row.id, type, name: row.name, fullyQualifiedName: quoteName(row.name), ...(row.display_name ? { displayName: row.display_name } : {}) })
}

/** OpenMetadata's User JSON; `teams` only when asked for, as with `fields=teams`. */
export function userJson(row: UserDbRow, teams?: readonly PrincipalDbRow[]): OmUser {
  const out: Record<string, unknown> = { id: row.id, name: row.name, fullyQualifiedName: quoteName(row.name) }
  if (row.display_name) out.displayName = row.display_name
  if (row.email) out.email = row.email
  out.isBot = isTrue(row.is_bot)
  if (teams !== undefined) out.teams = teams.map((t) => principalRef('team', t))
  out.deleted = false
  return out as unknown as OmUser
}

/** OpenMetadata's Team JSON (teamType Group: a team that can own assets); `users` only when asked for. */
export function teamJson(row: PrincipalDbRow, users?: readonly PrincipalDbRow[]): OmTeam {
  const out: Record<string, unknown> = { id: row.id, teamType: 'Group', name: row.name, fullyQualifiedName: quoteName(row.name) }
  if (row.display_name) out.displayName = row.display_name
  if (row.email) out.email = row.email
  if (users !== undefined) out.users = users.map((u) => principalRef('user', u))
  out.deleted = false
  return out as unknown as OmTeam
}

export interface ClassificationDbRow {
  id: string
  name: string
  description: string | null
  mutually_exclusive: boolean | number
}

export function classificationJson(row: ClassificationDbRow): Record<string, unknown> {
  return { id: row.id, name: row.name, fullyQualifiedName: quoteName(row.name), description: row.description ?? '', mutuallyExclusive: isTrue(row.mutually_exclusive), deleted: false }
}

export interface TagDbRow {
  id: string
  name: string
  fqn: string
  description: string | null
  classification_id: string
  classification: string
}

export function tagJson(row: TagDbRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    fullyQualifiedName: row.fqn,
    description: row.description ?? '',
    classification: entityReference({ id: row.classification_id, type: 'classification', name: row.classification, fullyQualifiedName: quoteName(row.classification) }),
    deleted: false,
  }
}
