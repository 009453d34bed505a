import type { SqlRunner } from './sql-runner.js'
import { sqlParts } from './sql-parts.js'
import { liveRunCounts } from './run-counts.js'
import { storedStatuses, type RunRow, type StateStore } from './state-store.js'
import { decodeStoreText, encodeStoreText, parseStoreJson } from './store-text.js'

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

/**
 * The dead letters a finished run's stamped counts hold. `counts -> 'dead'` is JSON on both
 * databases (jsonb in PostgreSQL, JSON text in SQLite); as text it is the number's digits on both.
 */
const deadSql = "coalesce(CAST(CAST(r.counts -> 'dead' AS text) AS integer), 0)"

const stateSql: Record<RunState, string> = {
  running: 'r.finished_at IS NULL',
  failed: `r.finished_at IS NOT NULL AND ${deadSql} > 0`,
  succeeded: `r.finished_at IS NOT NULL AND ${deadSql} = 0`,
}

interface RunDbRow {
  id: string | number
  mode: RunRow['mode']
  note: string | null
  started_at: Date | string
  finished_at: Date | string | null
  counts: string | null
}

function toRun(row: RunDbRow, counts: Record<string, number>): RunRow {
  return {
    id: Number(row.id),
    mode: row.mode,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    counts,
    ...(row.note === null ? {} : { note: decodeStoreText(row.note) }),
  }
}

/** The order counts are shown in, on either database (jsonb keeps its keys sorted by length): statuses, then total and verified. */
const countOrder = [...storedStatuses, 'total', 'verified']

/** Stamped counts as numbers, keys in countOrder, then any others. */
function stampedCounts(text: string | null): Record<string, number> {
  const stamped = parseStoreJson<Record<string, unknown> | null>(text ?? '{}') ?? {}
  const counts: Record<string, number> = {}
  for (const key of countOrder) if (key in stamped) counts[key] = Number(stamped[key])
  for (const [key, value] of Object.entries(stamped)) if (!(key in counts)) counts[key] = Number(value)
  return counts
}

/**
 * Runs as `revmeta runs` and the Recent Runs page list them, filtered by state, mode, and the
 * services and channels their operations touch, and the services' last runs. A finished run
 * shows the counts stamped when it finished, so a listing reads no operations of its own; only
 * runs still going are counted live. Values are bound parameters; the channel is the first part
 * of an operation's key.
 */
export class RunQueries {
  private readonly s: string

  constructor(
    private readonly runner: SqlRunner,
    schema: string,
  ) {
    this.s = runner.dialect.tables(schema)
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
    const text = (value: unknown): string => this.runner.dialect.cast(bind(value), 'text')
    if (filter.state) where.push(stateSql[filter.state])
    if (filter.mode) where.push(`r.mode = ${bind(filter.mode)}`)
    if (filter.service) where.push(`EXISTS (SELECT 1 FROM ${this.s}.operations o WHERE o.run_id = r.id AND o.service = ${bind(encodeStoreText(filter.service))})`)
    if (filter.channel) {
      const prefix = text(encodeStoreText(`${filter.channel}|`))
      where.push(`EXISTS (SELECT 1 FROM ${this.s}.operations o WHERE o.run_id = r.id AND substr(o.key, 1, length(${prefix})) = ${prefix})`)
    }
    const rows = await this.runner.query<RunDbRow>(
      `SELECT r.id, r.mode, r.note, r.started_at, r.finished_at, CAST(r.counts AS text) AS counts
       FROM ${this.s}.runs r ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT ${bind(filter.limit)}`,
      params,
    )
    const going = rows.filter((r) => r.finished_at === null).map((r) => Number(r.id))
    const live = going.length > 0 ? await liveRunCounts(this.runner, this.s, going) : new Map<number, Record<string, number>>()
    return rows.map((r) => toRun(r, live.get(Number(r.id)) ?? stampedCounts(r.counts)))
  }

  /** Per service: the newest run that touched it. */
  async lastRuns(): Promise<Map<string, { runId: number; at: Date }>> {
    const rows = await this.runner.query<{ service: string; run_id: string | number; at: Date | string }>(
      `SELECT o.service, max(o.run_id) AS run_id, max(o.updated_at) AS at FROM ${this.s}.operations o GROUP BY o.service`,
    )
    return new Map(rows.map((r) => [decodeStoreText(r.service), { runId: Number(r.run_id), at: new Date(r.at) }]))
  }
}
