import { RevmetaError } from '../../errors/revmeta-error.js'
import type { DatabricksConnection } from './databricks-connection.js'
import type { WorkspaceHttp } from './databricks-http.js'

export type Row = Readonly<Record<string, string | null>>

/** A named parameter marker's value (`:name` in the text), bound by the API, never spliced into SQL. */
export interface StatementParameter {
  readonly name: string
  readonly value: string
}

/** One statement for the Statement Execution API: its text and the values it binds. */
export interface DatabricksQuery {
  readonly statement: string
  readonly parameters?: readonly StatementParameter[]
}

const basePath = '/api/2.0/sql/statements'
const maxPollMs = 5_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs statements on the configured SQL warehouse through the SQL Statement Execution API: one
 * statement per submission (the API runs exactly one), waited for up to `wait_timeout` and then
 * polled (PENDING, RUNNING → SUCCEEDED, FAILED, CANCELED) with a growing pause; rows come back
 * inline as JSON arrays, every further chunk fetched by its `next_chunk_internal_link`.
 */
export class StatementRunner {
  constructor(
    private readonly http: WorkspaceHttp,
    private readonly connection: DatabricksConnection,
  ) {}

  async run(query: DatabricksQuery): Promise<Row[]> {
    const c = this.connection
    const body = {
      warehouse_id: c.warehouseId,
      statement: query.statement,
      wait_timeout: `${c.waitTimeoutSeconds}s`,
      on_wait_timeout: 'CONTINUE',
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
      ...(c.catalog !== undefined ? { catalog: c.catalog } : {}),
      ...(query.parameters !== undefined && query.parameters.length > 0 ? { parameters: query.parameters.map((p) => ({ name: p.name, value: p.value, type: 'STRING' })) } : {}),
    }
    let answer = await this.http.request('POST', basePath, body)
    const deadline = Date.now() + c.statementTimeoutMs
    let pause = c.pollIntervalMs
    while (isRunning(answer)) {
      const id = statementId(answer)
      if (Date.now() > deadline) {
        await this.http.request('POST', `${basePath}/${encodeURIComponent(id)}/cancel`).catch(() => undefined)
        throw new RevmetaError('LOCK_TIMEOUT', `The statement ran longer than statementTimeoutMs (${c.statementTimeoutMs} ms) and was cancelled`, { details: { engine: 'databricks', statementId: id } })
      }
      await sleep(pause)
      pause = Math.min(maxPollMs, pause * 2)
      answer = await this.http.request('GET', `${basePath}/${encodeURIComponent(id)}`)
    }
    const status = record(answer.status)
    if (status.state !== 'SUCCEEDED') {
      const error = record(status.error)
      const sqlState = typeof status.sql_state === 'string' ? status.sql_state : undefined
      const message = typeof error.message === 'string' ? error.message : `The statement ended ${String(status.state)}`
      throw this.http.failure({ method: 'POST', path: basePath, status: 200, body: { ...error, message }, ...(sqlState !== undefined ? { sqlState } : {}) })
    }
    return this.rows(answer)
  }

  private async rows(answer: Record<string, unknown>): Promise<Row[]> {
    const columns = (record(record(record(answer.manifest).schema)).columns as unknown[] | undefined)?.map((column) => String(record(column).name).toLowerCase()) ?? []
    const rows: Row[] = []
    let result = record(answer.result)
    for (;;) {
      for (const values of (result.data_array as unknown[][] | undefined) ?? []) {
        rows.push(Object.fromEntries(columns.map((name, index) => [name, values[index] === null || values[index] === undefined ? null : String(values[index])])))
      }
      const next = result.next_chunk_internal_link
      if (typeof next !== 'string') return rows
      // A path on the same workspace, never a URL: the bearer token goes nowhere else.
      if (!next.startsWith(`${basePath}/`)) throw new RevmetaError('SQL_FAILED', 'The Statement Execution API pointed the next result chunk outside its own path', { details: { engine: 'databricks' } })
      result = await this.http.request('GET', next)
    }
  }
}

function isRunning(answer: Record<string, unknown>): boolean {
  const state = record(answer.status).state
  return state === 'PENDING' || state === 'RUNNING'
}

function statementId(answer: Record<string, unknown>): string {
  if (typeof answer.statement_id !== 'string') throw new RevmetaError('SQL_FAILED', 'The Statement Execution API answered without a statement_id', { details: { engine: 'databricks' } })
  return answer.statement_id
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}
