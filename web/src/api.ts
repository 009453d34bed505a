/** The one way the app talks to revmeta serve: same origin, the session cookie, and the CSRF header on every change. */
let csrf: string | undefined

export function setCsrf(value: string | undefined): void {
  csrf = value
}

export interface ApiError {
  readonly code: string
  readonly message: string
  readonly details?: Record<string, unknown>
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(`${error.code}: ${error.message}`)
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = contentType
  if (method !== 'GET' && csrf) headers['x-revmeta-csrf'] = csrf
  const response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  const text = await response.text()
  const json = text ? JSON.parse(text) : {}
  if (!response.ok) throw new ApiFailure(response.status, json.error ?? { code: String(response.status), message: text })
  return json as T
}

export const roleRank = { viewer: 0, editor: 1, admin: 2 } as const
export type Role = keyof typeof roleRank
export const may = (role: Role, needed: Role): boolean => roleRank[role] >= roleRank[needed]
