import { Cron } from 'croner'
import type { CatalogBackend } from '../catalogs/catalog-backend.js'
import type { RevmetaConfig } from '../config/load-config.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import type { StateStore } from '../store/state-store.js'
import { UiChannelStore } from '../store/ui-channel-store.js'
import { queueSync } from './queue-sync.js'

/** A cron expression croner can run, or SCHEDULE_INVALID. */
export function checkCron(expression: string): void {
  try {
    new Cron(expression, { paused: true }).stop()
  } catch (cause) {
    throw new RevmetaError('SCHEDULE_INVALID', `Not a schedule revmeta can run: ${JSON.stringify(expression)}: ${(cause as Error).message}`, { details: { schedule: expression } })
  }
}

/**
 * Runs each channel's schedule inside `serve`: a batch sync of that channel, queued for the
 * server's worker. `refresh` re-reads the schedules after the web app saved one. A firing that
 * overlaps the previous one of the same channel is skipped (croner's protect).
 */
export class ChannelScheduler {
  private jobs: Cron[] = []

  constructor(
    private readonly config: RevmetaConfig,
    private readonly store: StateStore,
    private readonly backend: CatalogBackend | undefined,
    private readonly onQueued: () => void,
    private readonly log: (line: string) => void,
  ) {}

  async refresh(): Promise<void> {
    const rows = await UiChannelStore.of(this.store).list()
    this.stop()
    for (const row of rows) {
      if (row.schedule === undefined || !this.config.channels.some((c) => c.name === row.name)) continue
      const name = row.name
      try {
        this.jobs.push(new Cron(row.schedule, { protect: true, name: `channel:${name}` }, () => this.fire(name)))
      } catch (error) {
        this.log(`schedule of channel ${name} is not runnable and is left out: ${(error as Error).message}`)
      }
    }
  }

  private async fire(channel: string): Promise<void> {
    try {
      const { runId, queued } = await queueSync(this.config, this.store, this.backend, { channels: [channel] }, `schedule of channel ${channel}`)
      this.log(`schedule: channel ${channel} queued ${queued} operation(s) as run ${runId}`)
      if (queued > 0) this.onQueued()
    } catch (error) {
      const e = toRevmetaError(error)
      this.log(`schedule: channel ${channel} failed: ${e.code}: ${e.message.split('\n')[0]}`)
    }
  }

  /** When each scheduled channel runs next (for the page). */
  nextRuns(): Record<string, string | undefined> {
    return Object.fromEntries(this.jobs.map((j) => [j.name!.slice('channel:'.length), j.nextRun()?.toISOString()]))
  }

  stop(): void {
    for (const job of this.jobs) job.stop()
    this.jobs = []
  }
}
