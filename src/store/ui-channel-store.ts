import type { SqlRunner } from './sql-runner.js'
import { sqlParts } from './sql-parts.js'
import type { StateStore } from './state-store.js'
import { decodeStoreText, encodeStoreText } from './store-text.js'

/** A channel row of migration 0008: `body` undefined for a YAML channel that only has a schedule here. */
export interface UiChannelRow {
  readonly name: string
  readonly body?: unknown
  readonly schedule?: string
  readonly updatedBy: string
  readonly updatedAt: Date
}

interface Row {
  name: string
  body: string | null
  schedule: string | null
  updated_by: string
  updated_at: Date | string
}

const toRow = (r: Row): UiChannelRow => ({
  name: r.name,
  ...(r.body === null ? {} : { body: JSON.parse(decodeStoreText(r.body)) as unknown }),
  ...(r.schedule === null ? {} : { schedule: r.schedule }),
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at),
})

/**
 * Channels made in the web app and cron schedules, in the state store beside the queue, so every
 * process sharing a store sees the same. The body is validated by the caller (channel schema)
 * before it gets here; this class only keeps it.
 */
export class UiChannelStore {
  private readonly table: string

  constructor(
    private readonly runner: SqlRunner,
    schema: string,
  ) {
    this.table = `${runner.dialect.tables(schema)}.ui_channels`
  }

  static of(store: StateStore): UiChannelStore {
    const { runner, schema } = sqlParts(store, 'Web app channels')
    return new UiChannelStore(runner, schema)
  }

  async list(): Promise<UiChannelRow[]> {
    return (await this.runner.query<Row>(`SELECT name, body, schedule, updated_by, updated_at FROM ${this.table} ORDER BY name`)).map(toRow)
  }

  /** Creates or replaces a channel's body; its schedule is kept. */
  async putBody(name: string, body: unknown, by: string): Promise<void> {
    await this.runner.query(
      `INSERT INTO ${this.table} (name, body, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [name, encodeStoreText(JSON.stringify(body)), by],
    )
  }

  /** Sets or clears (undefined) a channel's schedule, for a web app channel or a YAML one. */
  async putSchedule(name: string, schedule: string | undefined, by: string): Promise<void> {
    await this.runner.query(
      `INSERT INTO ${this.table} (name, schedule, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET schedule = EXCLUDED.schedule, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [name, schedule ?? null, by],
    )
  }

  /** Removes a web app channel and its schedule; returns false when there was none. */
  async delete(name: string): Promise<boolean> {
    const rows = await this.runner.query(`DELETE FROM ${this.table} WHERE name = $1 RETURNING name`, [name])
    return rows.length > 0
  }
}
