import { createHash, randomBytes } from 'node:crypto'
import { RevmetaError } from '../errors/revmeta-error.js'
import { apiRoleNames } from '../model/api-roles.js'
import type { SqlRunner } from './sql-runner.js'
import { sqlParts } from './sql-parts.js'
import type { StateStore } from './state-store.js'

/** Ordered from least to most privileged: a role may do what every role before it may. */
export const apiRoles = apiRoleNames
export type ApiRole = (typeof apiRoles)[number]

export const roleAtLeast = (role: ApiRole, needed: ApiRole): boolean => apiRoles.indexOf(role) >= apiRoles.indexOf(needed)

/** An API token as it may be shown: never the token nor its hash. */
export interface ApiToken {
  readonly id: number
  readonly name: string
  readonly role: ApiRole
  readonly createdAt: Date
  readonly lastUsedAt?: Date
  readonly revokedAt?: Date
}

interface TokenRow {
  id: string | number
  name: string
  role: ApiRole
  created_at: Date | string
  last_used_at: Date | string | null
  revoked_at: Date | string | null
}

/** The prefix makes a leaked token easy to recognize (secret scanners, logs); the rest is 256 random bits. */
export const tokenPrefix = 'rvm_'

/** A name a person types: starts with a letter, so it never reads as an id. */
const namePattern = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

/** last_used_at is written at most this often per token, so reads do not each cost a write. */
const touchEveryMs = 60_000

const toToken = (r: TokenRow): ApiToken => ({
  id: Number(r.id),
  name: r.name,
  role: r.role,
  createdAt: new Date(r.created_at),
  ...(r.last_used_at ? { lastUsedAt: new Date(r.last_used_at) } : {}),
  ...(r.revoked_at ? { revokedAt: new Date(r.revoked_at) } : {}),
})

/**
 * API tokens in the state store (migration 0007), beside the queue, so every process sharing a
 * store sees a revoke at once. Only the SHA-256 of a token is stored; a request is checked by
 * looking that hash up.
 */
export class TokenStore {
  private readonly table: string
  private readonly columns = 'id, name, role, created_at, last_used_at, revoked_at'

  constructor(
    private readonly runner: SqlRunner,
    schema: string,
  ) {
    this.table = `${runner.dialect.tables(schema)}.api_tokens`
  }

  static of(store: StateStore): TokenStore {
    const { runner, schema } = sqlParts(store, 'API tokens')
    return new TokenStore(runner, schema)
  }

  /** Makes a token; the returned `token` is the only time it exists outside the caller's hands. */
  async create(input: { role: ApiRole; name?: string }): Promise<{ token: string; record: ApiToken }> {
    if (!apiRoles.includes(input.role)) throw new RevmetaError('CONFIG_INVALID', `--role must be one of ${apiRoles.join(', ')}`)
    const name = input.name ?? `${input.role}-${randomBytes(4).toString('hex')}`
    if (!namePattern.test(name)) {
      throw new RevmetaError('CONFIG_INVALID', `A token name starts with a letter and holds only letters, digits, '.', '_' and '-' (at most 64): ${JSON.stringify(name)}`)
    }
    const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`
    const [row] = await this.runner.query<TokenRow>(
      `INSERT INTO ${this.table} (name, role, token_hash) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING ${this.columns}`,
      [name, input.role, hashToken(token)],
    )
    if (row === undefined) throw new RevmetaError('TOKEN_NAME_TAKEN', `An API token named ${name} exists already.`, { details: { name } })
    return { token, record: toToken(row) }
  }

  async list(): Promise<ApiToken[]> {
    return (await this.runner.query<TokenRow>(`SELECT ${this.columns} FROM ${this.table} ORDER BY id`)).map(toToken)
  }

  /** Revokes by id (digits) or name; revoking a revoked token changes nothing and says so. */
  async revoke(idOrName: string): Promise<{ record: ApiToken; already: boolean }> {
    const byId = /^\d{1,15}$/.test(idOrName)
    const where = byId ? 'id = $1' : 'name = $1'
    const key = byId ? Number(idOrName) : idOrName
    const [updated] = await this.runner.query<TokenRow>(`UPDATE ${this.table} SET revoked_at = now() WHERE ${where} AND revoked_at IS NULL RETURNING ${this.columns}`, [key])
    if (updated !== undefined) return { record: toToken(updated), already: false }
    const [existing] = await this.runner.query<TokenRow>(`SELECT ${this.columns} FROM ${this.table} WHERE ${where}`, [key])
    if (existing === undefined) throw new RevmetaError('TOKEN_NOT_FOUND', `No API token has the ${byId ? 'id' : 'name'} ${idOrName}.`, { details: { token: idOrName } })
    return { record: toToken(existing), already: true }
  }

  /** The active token a request presents, or undefined (unknown or revoked). */
  async verify(token: string): Promise<ApiToken | undefined> {
    if (!token.startsWith(tokenPrefix) || token.length > 200) return undefined
    const [row] = await this.runner.query<TokenRow>(`SELECT ${this.columns} FROM ${this.table} WHERE token_hash = $1 AND revoked_at IS NULL`, [hashToken(token)])
    if (row === undefined) return undefined
    const record = toToken(row)
    if (record.lastUsedAt === undefined || Date.now() - record.lastUsedAt.getTime() > touchEveryMs) {
      await this.runner.query(`UPDATE ${this.table} SET last_used_at = now() WHERE id = $1`, [record.id])
    }
    return record
  }

  async activeCount(): Promise<number> {
    const [row] = await this.runner.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${this.table} WHERE revoked_at IS NULL`)
    return Number(row?.n ?? 0)
  }
}
