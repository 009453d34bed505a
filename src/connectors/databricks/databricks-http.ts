import { readFile } from 'node:fs/promises'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { backoffDelay } from '../../retry/backoff-delay.js'
import type { KnownSecrets } from '../kit/known-secrets.js'
import type { DatabricksConnection } from './databricks-connection.js'
import { classifyDatabricksHttp, type DatabricksFailure } from './databricks-errors.js'

/** Refresh an OAuth token this long before it expires, so no request goes out with a dying one. */
const tokenMarginMs = 60_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * HTTP to one Databricks workspace through Node's fetch: the bearer token (a personal access
 * token, or an OAuth machine-to-machine token from the workspace's `/oidc/v1/token`, cached until
 * shortly before it expires), JSON in and out, and the rate limit honoured: a 429 or 503 is
 * retried after its Retry-After, `maxRetries` times. Other failures are thrown coded at once, so
 * the executor's retry policy decides about them.
 */
export class WorkspaceHttp {
  private oauth: { token: string; expiresAt: number } | undefined
  private oauthPending: Promise<string> | undefined

  constructor(
    private readonly connection: DatabricksConnection,
    private readonly secrets: KnownSecrets,
    private readonly engine: string,
  ) {}

  get host(): string {
    return new URL(this.connection.host).host
  }

  /** Sends one request; `path` is already percent-encoded. Answers the parsed JSON body ({} when empty). */
  async request(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(method, path, body, await this.bearer())
      if (response.ok) return parseBody(await response.text())
      const text = await response.text().catch(() => '')
      if (response.status === 401 && this.oauth !== undefined && attempt === 1) {
        // A token revoked or expired early: fetch a new one once.
        this.oauth = undefined
        continue
      }
      if ((response.status === 429 || response.status === 503) && attempt <= this.connection.maxRetries) {
        await sleep(this.retryWait(response.headers.get('retry-after'), attempt))
        continue
      }
      throw this.failure({ status: response.status, body: parseBody(text), method, path })
    }
  }

  /** Throws the coded error for an API answer (also for a FAILED statement, with status 200). */
  failure(failure: DatabricksFailure): RevmetaError {
    return classifyDatabricksHttp(failure, { engine: this.engine, host: this.host, secrets: this.secrets.list })
  }

  private async send(method: string, path: string, body: unknown, token: string): Promise<Response> {
    try {
      return await fetch(`${this.connection.host}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': 'revmeta', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.connection.requestTimeoutMs),
      })
    } catch (error) {
      throw this.failure({ method, path, cause: error })
    }
  }

  /** Retry-After in seconds (or an HTTP date), capped; without one, the shared capped backoff. */
  private retryWait(header: string | null, attempt: number): number {
    const cap = this.connection.maxRetryWaitMs
    if (header !== null) {
      const seconds = Number(header)
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now()
      if (Number.isFinite(ms)) return Math.min(cap, Math.max(0, ms))
    }
    return backoffDelay({ baseDelayMs: 200, maxDelayMs: cap }, attempt)
  }

  private async bearer(): Promise<string> {
    const c = this.connection
    if (c.clientId === undefined) {
      const token = c.tokenFile !== undefined ? await this.readSecret(c.tokenFile, 'tokenFile') : (c.token ?? '')
      this.secrets.add(token)
      return token
    }
    if (this.oauth !== undefined && Date.now() < this.oauth.expiresAt - tokenMarginMs) return this.oauth.token
    this.oauthPending ??= this.fetchOAuthToken(c.clientId).finally(() => {
      this.oauthPending = undefined
    })
    return this.oauthPending
  }

  /** The client-credentials grant on the workspace's own token endpoint (scope all-apis). */
  private async fetchOAuthToken(clientId: string): Promise<string> {
    const c = this.connection
    const secret = c.clientSecretFile !== undefined ? await this.readSecret(c.clientSecretFile, 'clientSecretFile') : (c.clientSecret ?? '')
    this.secrets.add(secret)
    const path = '/oidc/v1/token'
    let response: Response
    try {
      response = await fetch(`${c.host}${path}`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString(),
        signal: AbortSignal.timeout(c.requestTimeoutMs),
      })
    } catch (error) {
      throw this.failure({ method: 'POST', path, cause: error })
    }
    const body = parseBody(await response.text().catch(() => ''))
    const token = typeof body.access_token === 'string' ? body.access_token : undefined
    if (!response.ok || token === undefined) throw this.failure({ status: response.ok ? 401 : response.status, body, method: 'POST', path, phase: 'connect' })
    this.secrets.add(token)
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600
    this.oauth = { token, expiresAt: Date.now() + seconds * 1000 }
    return token
  }

  private async readSecret(file: string, key: string): Promise<string> {
    try {
      const value = (await readFile(file, 'utf8')).replace(/\r?\n$/, '')
      this.secrets.add(value)
      return value
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new RevmetaError('CONNECTION_FAILED', `Cannot read ${key} ${file} (${why})`, { retryable: false, details: { [key]: file } })
    }
  }
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed }
  } catch {
    return { message: text.slice(0, 500) }
  }
}
