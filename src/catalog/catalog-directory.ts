import { randomUUID } from 'node:crypto'
import type { OmTeam, OmUser } from '../openmetadata/om-types.js'
import type { SqlExecutor, SqlRunner } from '../store/sql-runner.js'
import { encodeStoreText, encodeStoreTextOrNull } from '../store/store-text.js'
import { badRequest, notFound } from './catalog-error.js'
import type { CatalogTables } from './catalog-tables.js'
import {
  classificationJson,
  decodeRow,
  optionalText,
  quoteName,
  tagJson,
  teamJson,
  userJson,
  validName,
  type ClassificationDbRow,
  type PrincipalDbRow,
  type TagDbRow,
  type UserDbRow,
} from './directory-rows.js'
import { entityIdKey } from './entity-store.js'
import { isRecord } from './om-json.js'
import { compareBytes, paramChunks, placeholders } from './sql-lists.js'

export interface Upserted<T> {
  readonly created: boolean
  readonly value: T
}

const body = (value: unknown, what: string): Record<string, unknown> => {
  if (!isRecord(value)) throw badRequest(`The body of a ${what} must be a JSON object`)
  return value
}

/** Rows decoded and in name order, the same on every database and server collation. */
const byName = <T extends { name: string }>(rows: readonly T[]): T[] => rows.map(decodeRow).sort((a, b) => compareBytes(a.name, b.name))

/** Optional text from a request, as the store keeps it. */
const storedText = (value: unknown, field: string): string | null => encodeStoreTextOrNull(optionalText(value, field))

/**
 * Users, teams, classifications and tags: created or updated by PUT (as OpenMetadata's
 * createOrUpdate endpoints are), found by name. A PUT overwrites the fields it carries and keeps
 * the others; `teams` on a user and `users` on a team replace that side's memberships. Whether a
 * PUT created the row shows in the id it returns: a new row has the id the PUT generated.
 * Strings from requests are stored through encodeStoreText (a NUL would fail PostgreSQL).
 */
export class CatalogDirectory {
  constructor(
    private readonly runner: SqlRunner,
    private readonly t: CatalogTables,
    private readonly now: () => number,
  ) {}

  async putUser(input: unknown): Promise<Upserted<OmUser>> {
    const b = body(input, 'user')
    const name = validName(b.name, 'A user')
    const teams = b.teams === undefined || b.teams === null ? undefined : this.list(b.teams, 'teams')
    const isBot = typeof b.isBot === 'boolean' ? b.isBot : null
    const id = randomUUID()
    return this.runner.transaction(async (tx) => {
      const [row] = await tx.query<UserDbRow>(
        `INSERT INTO ${this.t.users} AS u (id, name, email, display_name, is_bot, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET email = coalesce(excluded.email, u.email), display_name = coalesce(excluded.display_name, u.display_name),
           is_bot = coalesce(${this.t.cast('$7', 'boolean')}, u.is_bot), updated_at = excluded.updated_at
         RETURNING id, name, email, display_name, is_bot`,
        [id, encodeStoreText(name), storedText(b.email, 'email'), storedText(b.displayName, 'displayName'), isBot ?? false, this.now(), isBot],
      )
      const user = decodeRow(row as UserDbRow)
      if (teams !== undefined) {
        const ids = await this.resolve(tx, this.t.teams, 'team', teams)
        await tx.query(`DELETE FROM ${this.t.members} WHERE user_id = $1`, [user.id])
        await this.addMembers(tx, user.id, ids, (self, other) => `(${other}, ${self})`)
      }
      return { created: user.id === id, value: userJson(user, await this.teamsOf(tx, user.id)) }
    })
  }

  async getUser(name: string, fields: Set<string> = new Set()): Promise<OmUser> {
    const [row] = await this.runner.query<UserDbRow>(`SELECT id, name, email, display_name, is_bot FROM ${this.t.users} WHERE name = $1`, [encodeStoreText(name)])
    if (row === undefined) throw notFound('user', name)
    return userJson(decodeRow(row), fields.has('teams') ? await this.teamsOf(this.runner, row.id) : undefined)
  }

  /** GET /api/v1/users/{id}: how an owner reference carrying only its id is named. */
  async getUserById(id: string, fields: Set<string> = new Set()): Promise<OmUser> {
    const key = entityIdKey(id)
    // An id that is not a UUID is simply not found.
    const [row] = key === undefined ? [] : await this.runner.query<UserDbRow>(`SELECT id, name, email, display_name, is_bot FROM ${this.t.users} WHERE id = $1`, [key])
    if (row === undefined) throw notFound('user', id)
    return userJson(decodeRow(row), fields.has('teams') ? await this.teamsOf(this.runner, row.id) : undefined)
  }

  async putTeam(input: unknown): Promise<Upserted<OmTeam>> {
    const b = body(input, 'team')
    const name = validName(b.name, 'A team')
    const users = b.users === undefined || b.users === null ? undefined : this.list(b.users, 'users')
    const id = randomUUID()
    return this.runner.transaction(async (tx) => {
      const [row] = await tx.query<PrincipalDbRow>(
        `INSERT INTO ${this.t.teams} AS t (id, name, email, display_name, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET email = coalesce(excluded.email, t.email), display_name = coalesce(excluded.display_name, t.display_name), updated_at = excluded.updated_at
         RETURNING id, name, email, display_name`,
        [id, encodeStoreText(name), storedText(b.email, 'email'), storedText(b.displayName, 'displayName'), this.now()],
      )
      const team = decodeRow(row as PrincipalDbRow)
      if (users !== undefined) {
        const ids = await this.resolve(tx, this.t.users, 'user', users)
        await tx.query(`DELETE FROM ${this.t.members} WHERE team_id = $1`, [team.id])
        await this.addMembers(tx, team.id, ids, (self, other) => `(${self}, ${other})`)
      }
      return { created: team.id === id, value: teamJson(team, await this.usersOf(tx, team.id)) }
    })
  }

  async getTeam(name: string, fields: Set<string> = new Set()): Promise<OmTeam> {
    const [row] = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.teams} WHERE name = $1`, [encodeStoreText(name)])
    if (row === undefined) throw notFound('team', name)
    return teamJson(decodeRow(row), fields.has('users') ? await this.usersOf(this.runner, row.id) : undefined)
  }

  /** GET /api/v1/teams/{id}. */
  async getTeamById(id: string, fields: Set<string> = new Set()): Promise<OmTeam> {
    const key = entityIdKey(id)
    const [row] = key === undefined ? [] : await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.teams} WHERE id = $1`, [key])
    if (row === undefined) throw notFound('team', id)
    return teamJson(decodeRow(row), fields.has('users') ? await this.usersOf(this.runner, row.id) : undefined)
  }

  async putClassification(input: unknown): Promise<Upserted<Record<string, unknown>>> {
    const b = body(input, 'classification')
    const name = validName(b.name, 'A classification')
    if (name.includes('.')) throw badRequest(`Invalid classification name ${JSON.stringify(name)}: it cannot hold a dot`)
    const exclusive = typeof b.mutuallyExclusive === 'boolean' ? b.mutuallyExclusive : null
    const id = randomUUID()
    const [row] = await this.runner.query<ClassificationDbRow>(
      `INSERT INTO ${this.t.classifications} AS c (id, name, description, mutually_exclusive, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET description = coalesce(excluded.description, c.description),
         mutually_exclusive = coalesce(${this.t.cast('$6', 'boolean')}, c.mutually_exclusive), updated_at = excluded.updated_at
       RETURNING id, name, description, mutually_exclusive`,
      [id, encodeStoreText(name), storedText(b.description, 'description'), exclusive ?? false, this.now(), exclusive],
    )
    const c = decodeRow(row as ClassificationDbRow)
    return { created: c.id === id, value: classificationJson(c) }
  }

  async getClassification(name: string): Promise<Record<string, unknown>> {
    const [row] = await this.runner.query<ClassificationDbRow>(`SELECT id, name, description, mutually_exclusive FROM ${this.t.classifications} WHERE name = $1`, [encodeStoreText(name)])
    if (row === undefined) throw notFound('classification', name)
    return classificationJson(decodeRow(row))
  }

  /** CreateTag: `classification` names the classification; nested tags (`parent`) are not kept here. */
  async putTag(input: unknown): Promise<Upserted<Record<string, unknown>>> {
    const b = body(input, 'tag')
    const name = validName(b.name, 'A tag')
    if (b.parent !== undefined && b.parent !== null) throw badRequest('Nested tags (parent) are not supported by the built-in catalog: give classification and name')
    const classification = typeof b.classification === 'string' ? b.classification : undefined
    if (classification === undefined) throw badRequest('A tag needs its classification (the classification name)')
    const fqn = `${quoteName(classification)}.${quoteName(name)}`
    const id = randomUUID()
    // The SELECT carries a WHERE, as SQLite's upsert grammar needs after INSERT … SELECT.
    const rows = await this.runner.query<Omit<TagDbRow, 'classification'>>(
      `INSERT INTO ${this.t.tags} AS t (id, classification_id, name, fqn, description, updated_at)
       SELECT $1, c.id, $3, $4, $5, $6 FROM ${this.t.classifications} c WHERE c.name = $2
       ON CONFLICT (fqn) DO UPDATE SET description = coalesce(excluded.description, t.description), updated_at = excluded.updated_at
       RETURNING id, name, fqn, description, classification_id`,
      [id, encodeStoreText(classification), encodeStoreText(name), encodeStoreText(fqn), storedText(b.description, 'description'), this.now()],
    )
    const row = rows[0]
    if (row === undefined) throw notFound('classification', classification)
    return { created: row.id === id, value: tagJson({ ...decodeRow(row), classification }) }
  }

  async getTag(fqn: string): Promise<Record<string, unknown>> {
    const [row] = await this.runner.query<TagDbRow>(
      `SELECT t.id, t.name, t.fqn, t.description, t.classification_id, c.name AS classification
         FROM ${this.t.tags} t JOIN ${this.t.classifications} c ON c.id = t.classification_id WHERE t.fqn = $1`,
      [encodeStoreText(fqn)],
    )
    if (row === undefined) throw notFound('tag', fqn)
    return tagJson(decodeRow(row))
  }

  /** Every user and team with its e-mail, for matching engine owners to catalog owners. */
  async principals(): Promise<{ type: 'user' | 'team'; row: PrincipalDbRow }[]> {
    const users = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.users}`)
    const teams = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.teams}`)
    return [...byName(users).map((row) => ({ type: 'user' as const, row })), ...byName(teams).map((row) => ({ type: 'team' as const, row }))]
  }

  /** Every tag's name by FQN, for mapping engine tags to catalog tags. */
  async tagNames(): Promise<Map<string, string>> {
    const rows = await this.runner.query<{ fqn: string; name: string }>(`SELECT fqn, name FROM ${this.t.tags}`)
    return new Map(rows.map(decodeRow).map((r) => [r.fqn, r.name]))
  }

  private list(value: unknown, field: string): string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && !(isRecord(v) && (typeof v.id === 'string' || typeof v.name === 'string')))) {
      throw badRequest(`${field} must be a list of ids or names`)
    }
    return value.map((v) => (typeof v === 'string' ? v : ((v as Record<string, string>).id ?? (v as Record<string, string>).name) as string))
  }

  /** Ids of the named principals (by id, as OpenMetadata's create requests carry them, or by name). */
  private async resolve(tx: SqlExecutor, table: string, type: 'user' | 'team', keys: readonly string[]): Promise<string[]> {
    const found = new Map<string, { id: string; name: string }>()
    for (const slice of paramChunks([...new Set(keys)], 2)) {
      const ids = slice.flatMap((k) => entityIdKey(k) ?? [])
      const byName = `name IN (${placeholders(1, slice.length)})`
      const where = ids.length === 0 ? byName : `${byName} OR id IN (${placeholders(slice.length + 1, ids.length)})`
      const rows = await tx.query<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE ${where}`, [...slice.map(encodeStoreText), ...ids])
      for (const r of rows) found.set(r.id, decodeRow(r))
    }
    const rows = [...found.values()]
    for (const key of keys) if (!rows.some((r) => r.id === entityIdKey(key) || r.name === key)) throw notFound(type, key)
    return rows.map((r) => r.id)
  }

  /** Memberships of `self` with each of `others`; `row` orders one (team_id, user_id) pair. */
  private async addMembers(tx: SqlExecutor, self: string, others: readonly string[], row: (self: string, other: string) => string): Promise<void> {
    for (const slice of paramChunks(others, 1, 1)) {
      const values = slice.map((_, i) => row('$1', `$${i + 2}`)).join(', ')
      await tx.query(`INSERT INTO ${this.t.members} (team_id, user_id) VALUES ${values} ON CONFLICT DO NOTHING`, [self, ...slice])
    }
  }

  private async teamsOf(ex: SqlExecutor, userId: string): Promise<PrincipalDbRow[]> {
    return byName(await ex.query<PrincipalDbRow>(`SELECT t.id, t.name, t.email, t.display_name FROM ${this.t.teams} t JOIN ${this.t.members} m ON m.team_id = t.id WHERE m.user_id = $1`, [userId]))
  }

  private async usersOf(ex: SqlExecutor, teamId: string): Promise<PrincipalDbRow[]> {
    return byName(await ex.query<PrincipalDbRow>(`SELECT u.id, u.name, u.email, u.display_name FROM ${this.t.users} u JOIN ${this.t.members} m ON m.user_id = u.id WHERE m.team_id = $1`, [teamId]))
  }
}
