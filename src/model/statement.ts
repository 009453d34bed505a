/**
 * An operation rendered for one engine: SQL text, or a request to an engine's HTTP API. Plain
 * data (it is stored with reports and sent through the durable queue), built by the dialect.
 */

/** A value bound to a named placeholder (`@name` in `sql`) instead of being pasted into the text. */
export interface BoundParam {
  /** The placeholder's name without its sigil, unique within one statement. */
  readonly name: string
  readonly value: string | null
  /** The engine's declared type of the placeholder (`nvarchar(4000)`), as the driver must bind it. */
  readonly type: string
}

/**
 * SQL to run on a connection to `database` (the engine's own database name). A person reads the
 * SQL itself, or, when values are bound, `display`: the same SQL preceded by the bound values
 * written as literals, runnable as it stands in the engine's own console.
 */
export interface SqlStatement {
  readonly kind: 'sql'
  readonly database: string
  readonly sql: string
  /** Values the driver binds to placeholders of `sql` (SQL Server's stored procedures take them). */
  readonly params?: readonly BoundParam[]
  /** Present with `params`: what a plan shows, built by the dialect with its own literal quoting. */
  readonly display?: string
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * One request to an engine driven through an HTTP API (Unity Catalog, BigQuery, ...). `endpoint`
 * names which of the engine's services the request goes to (the client maps it to a base URL);
 * requests to the same endpoint are sent on one client, as SQL to one database is.
 */
export interface ApiStatement {
  readonly kind: 'api'
  readonly endpoint: string
  readonly method: HttpMethod
  /** Path and query, already percent-encoded by the dialect. */
  readonly path: string
  readonly body?: unknown
  /** `METHOD path`, then a space and the compact JSON body when there is one; see apiStatement(). */
  readonly display: string
}

export type Statement = SqlStatement | ApiStatement

export function sqlStatement(database: string, sql: string): SqlStatement {
  return { kind: 'sql', database, sql }
}

/**
 * SQL whose values travel as bound parameters. `display` must state the same values (the
 * dialect builds both from one list, and golden tests decode one back to the other).
 */
export function boundSqlStatement(database: string, sql: string, params: readonly BoundParam[], display: string): SqlStatement {
  return { kind: 'sql', database, sql, params, display }
}

/** Builds an API statement with its display text, so the text always matches what is sent. */
export function apiStatement(request: { endpoint: string; method: HttpMethod; path: string; body?: unknown }): ApiStatement {
  const head = `${request.method} ${request.path}`
  const display = request.body === undefined ? head : `${head} ${JSON.stringify(request.body)}`
  return request.body === undefined
    ? { kind: 'api', endpoint: request.endpoint, method: request.method, path: request.path, display }
    : { kind: 'api', endpoint: request.endpoint, method: request.method, path: request.path, body: request.body, display }
}

/** The text a person reads in a plan, and what `--json` prints: the SQL, or `METHOD path {body}`. */
export function displayOf(statement: Statement): string {
  return statement.kind === 'sql' ? (statement.display ?? statement.sql) : statement.display
}

/** Where a statement goes: the database of SQL, the endpoint of a request. Units are sent per route. */
export function routeOf(statement: Statement): string {
  return statement.kind === 'sql' ? statement.database : statement.endpoint
}
