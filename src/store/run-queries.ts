import { quoteIdent } from './migrate.js'
import { countsSql } from './queue-sql.js'
import type { SqlRunner } from './sql-runner.js'
import { sqlParts } from './sql-parts.js'
import type { RunRow, StateStore } from './state-store.js'
import { toRunRow, type RunDbRow } from './store-rows.js'

/** running: not finished; failed: finished with dead letters; succeeded: finished without. */
export const runStates = ['running', 'failed', 'succeeded'] as const
export type RunState = (typeof runStates)[number]

export interface RunFilter {
  readonly limit: number
  readonly state?: RunState
  readonly mode?: RunRow['mode']
  readonly service?: string
  readonly channel?: string
}

const stateSql: Record<RunState, string> = {
  running: 'r.finished_at IS NULL',
  failed: "r.finished_at IS NOT NULL AND coalesce((r.counts->>'dead')::int, 0) > 0",
  succeeded: "r.finished_at IS NOT NULL AND coalesce((r.counts->>'dead')::int, 0) = 0",
}

/**
 * What the Recent Runs page asks of the store beyond StateStore.listRuns: runs filtered by state,
 * mode, and the services and channels their operations touch, and the services' last runs.
 * Values are bound parameters; the channel is the first part of an operation's key.
 */
export class RunQueries {
  private readonly s: string

  constructor(
    private readonly runner: SqlRunner,
    schema: string,
  ) {
    this.s = quoteIdent(schema)
  }

  static of(store: StateStore): RunQueries {
    const { runner, schema } = sqlParts(store, 'Run queries')
    return new RunQueries(runner, schema)
  }

  async list(filter: RunFilter): Promise<RunRow[]> {
    const where: string[] = []
    const params: unknown[] = []
    const bind = (value: unknown): string => {
      params.push(value)
      return `$${params.length}`
    }
    if (filter.state) where.push(stateSql[filter.state])
    if (filter.mode) where.push(`r.mode = ${bind(filter.mode)}`)
    if (filter.service) where.push(`EXISTS (SELECT 1 FROM ${this.s}.operations o WHERE o.run_id = r.id AND o.service = ${bind(filter.service)})`)
    if (filter.channel) {
      const p = bind(filter.channel)
      where.push(`EXISTS (SELECT 1 FROM ${this.s}.operations o WHERE o.run_id = r.id AND left(o.key, length(${p}) + 1) = ${p} || '|')`)
    }
    const sql = `SELECT r.id, r.mode, r.note, r.started_at, r.finished_at,
        CASE WHEN r.finished_at IS NULL THEN ${countsSql(this.s, 'r.id')} ELSE r.counts END AS counts
      FROM ${this.s}.runs r ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT ${bind(filter.limit)}`
    return (await this.runner.query<RunDbRow>(sql, params)).map(toRunRow)
  }

  /** Per service: the newest run that touched it. */
  async lastRuns(): Promise<Map<string, { runId: number; at: Date }>> {
    const rows = await this.runner.query<{ service: string; run_id: string | number; at: Date | string }>(
      `SELECT o.service, max(o.run_id) AS run_id, max(o.updated_at) AS at FROM ${this.s}.operations o GROUP BY o.service`,
    )
    return new Map(rows.map((r) => [r.service, { runId: Number(r.run_id), at: new Date(r.at) }]))
  }
}
