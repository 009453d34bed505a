import { createHash, randomBytes } from 'node:crypto'
import type { SqlRunner } from './sql-runner.js'
import { sqlParts } from './sql-parts.js'
import type { StateStore } from './state-store.js'
import type { ApiRole } from './token-store.js'

export interface WebSession {
  readonly name: string
  readonly role: ApiRole
  readonly expiresAt: Date
}

interface SessionRow {
  name: string
  role: ApiRole
  csrf_hash: string
  expires_at: Date | string
}

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex')
const secret = (): string => randomBytes(32).toString('base64url')

/** The prefix of one-time sign-in links, so they read as revmeta's in a scanner. */
export const signInLinkPrefix = 'rvl_'

/**
 * Web app sessions and one-time sign-in links (migration 0009). Only hashes are stored: the
 * session id lives in an HTTP-only cookie, the CSRF token in the page, neither in the store.
 * A session made from an API token dies with it (the join on api_tokens).
 */
export class SessionStore {
  private readonly sessions: string
  private readonly links: string
  private readonly tokens: string

  constructor(
    private readonly runner: SqlRunner,
    schema: string,
  ) {
    const s = runner.dialect.tables(schema)
    this.sessions = `${s}.web_sessions`
    this.links = `${s}.sign_in_links`
    this.tokens = `${s}.api_tokens`
  }

  static of(store: StateStore): SessionStore {
    const { runner, schema } = sqlParts(store, 'Web sessions')
    return new SessionStore(runner, schema)
  }

  /** A new session; `id` goes into the cookie. Its CSRF token is `csrfOf(id)`, kept only as a hash. */
  async create(who: { name: string; role: ApiRole; tokenId?: number }, ttlMs: number, csrfOf: (id: string) => string): Promise<{ id: string; session: WebSession }> {
    const id = secret()
    const csrf = csrfOf(id)
    const expiresAt = new Date(Date.now() + ttlMs)
    await this.runner.query(`DELETE FROM ${this.sessions} WHERE expires_at < now()`)
    await this.runner.query(`INSERT INTO ${this.sessions} (id_hash, csrf_hash, token_id, name, role, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      sha256(id),
      sha256(csrf),
      who.tokenId ?? null,
      who.name,
      who.role,
      expiresAt,
    ])
    return { id, session: { name: who.name, role: who.role, expiresAt } }
  }

  /** The live session of a cookie: unexpired, and its token (if any) not revoked. `csrf` is checked when given. */
  async verify(id: string, csrf?: string): Promise<(WebSession & { csrfOk: boolean }) | undefined> {
    if (id.length > 100) return undefined
    const [row] = await this.runner.query<SessionRow>(
      `SELECT s.name, s.role, s.csrf_hash, s.expires_at FROM ${this.sessions} s
       LEFT JOIN ${this.tokens} t ON t.id = s.token_id
       WHERE s.id_hash = $1 AND s.expires_at > now() AND (s.token_id IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL))`,
      [sha256(id)],
    )
    if (row === undefined) return undefined
    return { name: row.name, role: row.role, expiresAt: new Date(row.expires_at), csrfOk: csrf !== undefined && csrf.length <= 100 && sha256(csrf) === row.csrf_hash }
  }

  async end(id: string): Promise<void> {
    await this.runner.query(`DELETE FROM ${this.sessions} WHERE id_hash = $1`, [sha256(id)])
  }

  /** A link secret good for one sign-in before `ttlMs` passes. */
  async createLink(who: { name: string; role: ApiRole }, ttlMs: number): Promise<string> {
    const value = `${signInLinkPrefix}${secret()}`
    await this.runner.query(`INSERT INTO ${this.links} (secret_hash, name, role, expires_at) VALUES ($1, $2, $3, $4)`, [sha256(value), who.name, who.role, new Date(Date.now() + ttlMs)])
    return value
  }

  /** Uses a link up: the first caller gets who it signs in as, every later one undefined. */
  async useLink(value: string): Promise<{ name: string; role: ApiRole } | undefined> {
    if (!value.startsWith(signInLinkPrefix) || value.length > 100) return undefined
    const [row] = await this.runner.query<{ name: string; role: ApiRole }>(
      `UPDATE ${this.links} SET used_at = now() WHERE secret_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING name, role`,
      [sha256(value)],
    )
    return row
  }
}
