import { randomUUID } from 'node:crypto'
import type { OmTeam, OmUser } from '../openmetadata/om-types.js'
import type { SqlExecutor, SqlRunner } from '../store/sql-runner.js'
import { badRequest, notFound } from './catalog-error.js'
import type { CatalogTables } from './catalog-tables.js'
import {
  classificationJson,
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
import { isRecord } from './om-json.js'

export interface Upserted<T> {
  readonly created: boolean
  readonly value: T
}

const body = (value: unknown, what: string): Record<string, unknown> => {
  if (!isRecord(value)) throw badRequest(`The body of a ${what} must be a JSON object`)
  return value
}

/**
 * Users, teams, classifications and tags: created or updated by PUT (as OpenMetadata's
 * createOrUpdate endpoints are), found by name. A PUT overwrites the fields it carries and keeps
 * the others; `teams` on a user and `users` on a team replace that side's memberships.
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
    return this.runner.transaction(async (tx) => {
      const [row] = await tx.query<UserDbRow & { inserted: boolean }>(
        `INSERT INTO ${this.t.users} AS u (id, name, email, display_name, is_bot, updated_at) VALUES ($1, $2, $3, $4, coalesce($5, false), $6)
         ON CONFLICT (name) DO UPDATE SET email = coalesce(excluded.email, u.email), display_name = coalesce(excluded.display_name, u.display_name),
           is_bot = coalesce($5, u.is_bot), updated_at = excluded.updated_at
         RETURNING id, name, email, display_name, is_bot, (xmax = 0) AS inserted`,
        [randomUUID(), name, optionalText(b.email, 'email'), optionalText(b.displayName, 'displayName'), typeof b.isBot === 'boolean' ? b.isBot : null, this.now()],
      )
      const user = row as UserDbRow & { inserted: boolean }
      if (teams !== undefined) {
        const ids = await this.resolve(tx, this.t.teams, 'team', teams)
        await tx.query(`DELETE FROM ${this.t.members} WHERE user_id = $1`, [user.id])
        await tx.query(`INSERT INTO ${this.t.members} (team_id, user_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`, [ids, user.id])
      }
      return { created: user.inserted, value: userJson(user, await this.teamsOf(tx, user.id)) }
    })
  }

  async getUser(name: string, fields: Set<string> = new Set()): Promise<OmUser> {
    const [row] = await this.runner.query<UserDbRow>(`SELECT id, name, email, display_name, is_bot FROM ${this.t.users} WHERE name = $1`, [name])
    if (row === undefined) throw notFound('user', name)
    return userJson(row, fields.has('teams') ? await this.teamsOf(this.runner, row.id) : undefined)
  }

  /** GET /api/v1/users/{id}: how an owner reference carrying only its id is named. */
  async getUserById(id: string, fields: Set<string> = new Set()): Promise<OmUser> {
    // Compared as text: an id that is not a UUID is simply not found.
    const [row] = await this.runner.query<UserDbRow>(`SELECT id, name, email, display_name, is_bot FROM ${this.t.users} WHERE id::text = $1`, [id])
    if (row === undefined) throw notFound('user', id)
    return userJson(row, fields.has('teams') ? await this.teamsOf(this.runner, row.id) : undefined)
  }

  async putTeam(input: unknown): Promise<Upserted<OmTeam>> {
    const b = body(input, 'team')
    const name = validName(b.name, 'A team')
    const users = b.users === undefined || b.users === null ? undefined : this.list(b.users, 'users')
    return this.runner.transaction(async (tx) => {
      const [row] = await tx.query<PrincipalDbRow & { inserted: boolean }>(
        `INSERT INTO ${this.t.teams} AS t (id, name, email, display_name, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET email = coalesce(excluded.email, t.email), display_name = coalesce(excluded.display_name, t.display_name), updated_at = excluded.updated_at
         RETURNING id, name, email, display_name, (xmax = 0) AS inserted`,
        [randomUUID(), name, optionalText(b.email, 'email'), optionalText(b.displayName, 'displayName'), this.now()],
      )
      const team = row as PrincipalDbRow & { inserted: boolean }
      if (users !== undefined) {
        const ids = await this.resolve(tx, this.t.users, 'user', users)
        await tx.query(`DELETE FROM ${this.t.members} WHERE team_id = $1`, [team.id])
        await tx.query(`INSERT INTO ${this.t.members} (team_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [team.id, ids])
      }
      return { created: team.inserted, value: teamJson(team, await this.usersOf(tx, team.id)) }
    })
  }

  async getTeam(name: string, fields: Set<string> = new Set()): Promise<OmTeam> {
    const [row] = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.teams} WHERE name = $1`, [name])
    if (row === undefined) throw notFound('team', name)
    return teamJson(row, fields.has('users') ? await this.usersOf(this.runner, row.id) : undefined)
  }

  /** GET /api/v1/teams/{id}. */
  async getTeamById(id: string, fields: Set<string> = new Set()): Promise<OmTeam> {
    const [row] = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.teams} WHERE id::text = $1`, [id])
    if (row === undefined) throw notFound('team', id)
    return teamJson(row, fields.has('users') ? await this.usersOf(this.runner, row.id) : undefined)
  }

  async putClassification(input: unknown): Promise<Upserted<Record<string, unknown>>> {
    const b = body(input, 'classification')
    const name = validName(b.name, 'A classification')
    if (name.includes('.')) throw badRequest(`Invalid classification name ${JSON.stringify(name)}: it cannot hold a dot`)
    const [row] = await this.runner.query<ClassificationDbRow & { inserted: boolean }>(
      `INSERT INTO ${this.t.classifications} AS c (id, name, description, mutually_exclusive, updated_at) VALUES ($1, $2, $3, coalesce($4, false), $5)
       ON CONFLICT (name) DO UPDATE SET description = coalesce(excluded.description, c.description), mutually_exclusive = coalesce($4, c.mutually_exclusive), updated_at = excluded.updated_at
       RETURNING id, name, description, mutually_exclusive, (xmax = 0) AS inserted`,
      [randomUUID(), name, optionalText(b.description, 'description'), typeof b.mutuallyExclusive === 'boolean' ? b.mutuallyExclusive : null, this.now()],
    )
    const c = row as ClassificationDbRow & { inserted: boolean }
    return { created: c.inserted, value: classificationJson(c) }
  }

  async getClassification(name: string): Promise<Record<string, unknown>> {
    const [row] = await this.runner.query<ClassificationDbRow>(`SELECT id, name, description, mutually_exclusive FROM ${this.t.classifications} WHERE name = $1`, [name])
    if (row === undefined) throw notFound('classification', name)
    return classificationJson(row)
  }

  /** CreateTag: `classification` names the classification; nested tags (`parent`) are not kept here. */
  async putTag(input: unknown): Promise<Upserted<Record<string, unknown>>> {
    const b = body(input, 'tag')
    const name = validName(b.name, 'A tag')
    if (b.parent !== undefined && b.parent !== null) throw badRequest('Nested tags (parent) are not supported by the built-in catalog: give classification and name')
    const classification = typeof b.classification === 'string' ? b.classification : undefined
    if (classification === undefined) throw badRequest('A tag needs its classification (the classification name)')
    const fqn = `${quoteName(classification)}.${quoteName(name)}`
    const rows = await this.runner.query<TagDbRow & { inserted: boolean }>(
      `WITH c AS (SELECT id, name FROM ${this.t.classifications} WHERE name = $2)
       INSERT INTO ${this.t.tags} AS t (id, classification_id, name, fqn, description, updated_at)
       SELECT $1, c.id, $3, $4, $5, $6 FROM c
       ON CONFLICT (fqn) DO UPDATE SET description = coalesce(excluded.description, t.description), updated_at = excluded.updated_at
       RETURNING id, name, fqn, description, classification_id, $2::text AS classification, (xmax = 0) AS inserted`,
      [randomUUID(), classification, name, fqn, optionalText(b.description, 'description'), this.now()],
    )
    const row = rows[0]
    if (row === undefined) throw notFound('classification', classification)
    return { created: row.inserted, value: tagJson(row) }
  }

  async getTag(fqn: string): Promise<Record<string, unknown>> {
    const [row] = await this.runner.query<TagDbRow>(
      `SELECT t.id, t.name, t.fqn, t.description, t.classification_id, c.name AS classification
         FROM ${this.t.tags} t JOIN ${this.t.classifications} c ON c.id = t.classification_id WHERE t.fqn = $1`,
      [fqn],
    )
    if (row === undefined) throw notFound('tag', fqn)
    return tagJson(row)
  }

  /** Every user and team with its e-mail, for matching engine owners to catalog owners. */
  async principals(): Promise<{ type: 'user' | 'team'; row: PrincipalDbRow }[]> {
    const users = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.users} ORDER BY name`)
    const teams = await this.runner.query<PrincipalDbRow>(`SELECT id, name, email, display_name FROM ${this.t.teams} ORDER BY name`)
    return [...users.map((row) => ({ type: 'user' as const, row })), ...teams.map((row) => ({ type: 'team' as const, row }))]
  }

  /** Every tag's name by FQN, for mapping engine tags to catalog tags. */
  async tagNames(): Promise<Map<string, string>> {
    const rows = await this.runner.query<{ fqn: string; name: string }>(`SELECT fqn, name FROM ${this.t.tags}`)
    return new Map(rows.map((r) => [r.fqn, r.name]))
  }

  private list(value: unknown, field: string): string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && !(isRecord(v) && (typeof v.id === 'string' || typeof v.name === 'string')))) {
      throw badRequest(`${field} must be a list of ids or names`)
    }
    return value.map((v) => (typeof v === 'string' ? v : ((v as Record<string, string>).id ?? (v as Record<string, string>).name) as string))
  }

  /** Ids of the named principals (by id, as OpenMetadata's create requests carry them, or by name). */
  private async resolve(tx: SqlExecutor, table: string, type: 'user' | 'team', keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return []
    const rows = await tx.query<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE id::text = ANY($1::text[]) OR name = ANY($1::text[])`, [keys])
    for (const key of keys) if (!rows.some((r) => r.id === key || r.name === key)) throw notFound(type, key)
    return rows.map((r) => r.id)
  }

  private teamsOf(ex: SqlExecutor, userId: string): Promise<PrincipalDbRow[]> {
    return ex.query<PrincipalDbRow>(`SELECT t.id, t.name, t.email, t.display_name FROM ${this.t.teams} t JOIN ${this.t.members} m ON m.team_id = t.id WHERE m.user_id = $1 ORDER BY t.name`, [userId])
  }

  private usersOf(ex: SqlExecutor, teamId: string): Promise<PrincipalDbRow[]> {
    return ex.query<PrincipalDbRow>(`SELECT u.id, u.name, u.email, u.display_name FROM ${this.t.users} u JOIN ${this.t.members} m ON m.user_id = u.id WHERE m.team_id = $1 ORDER BY u.name`, [teamId])
  }
}
