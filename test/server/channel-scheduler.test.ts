import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCatalogBackend } from '../../src/catalogs/registry.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { ChannelScheduler, checkCron } from '../../src/server/channel-scheduler.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { UiChannelStore } from '../../src/store/ui-channel-store.js'
import { sqliteTarget } from '../store/store-support.js'
import { until } from '../support/until.js'

/** Schedules per channel, as `serve` runs them: a firing queues a sync run of that channel; a refresh drops a cleared schedule. */
const target = sqliteTarget()
let store: SqlStateStore

beforeAll(async () => {
  await target.setup()
  store = await target.fresh()
})

afterAll(async () => {
  await target.teardown()
})

describe('channel schedules', () => {
  it('refuses what is not cron with SCHEDULE_INVALID', () => {
    for (const bad of ['every day', '61 * * * *', '* * *', '']) expect(() => checkCron(bad), bad).toThrow(expect.objectContaining({ code: 'SCHEDULE_INVALID' }))
    expect(() => checkCron('0 3 * * *')).not.toThrow()
  })

  it('fires a channel\'s schedule as a sync run of that channel, and stops after the schedule is cleared', async () => {
    const config = await resolveConfig(
      { catalog: { type: 'builtin' }, services: [{ name: 'wh', type: 'postgres', connection: { database: 'nowhere' } }], channels: [{ name: 'docs' }, { name: 'other' }] },
      { source: 'test', baseDir: process.cwd(), env: {} },
    )
    const lines: string[] = []
    let nudged = 0
    const scheduler = new ChannelScheduler(config, store, await loadCatalogBackend('builtin'), () => nudged++, (line) => lines.push(line))
    await UiChannelStore.of(store).putSchedule('docs', '* * * * * *', 'test')
    await UiChannelStore.of(store).putSchedule('gone', '* * * * * *', 'test')
    await scheduler.refresh()
    expect(Object.keys(scheduler.nextRuns())).toEqual(['docs'])
    const runs = await until(() => store.listRuns(10), (r) => r.length > 0, 5_000)
    expect(runs[0]).toMatchObject({ mode: 'sync', note: 'schedule of channel docs' })
    expect(lines.some((l) => l.startsWith('schedule: channel docs queued 0 operation(s)'))).toBe(true)
    expect(nudged).toBe(0) // an empty catalog queues nothing, so no worker is woken
    await UiChannelStore.of(store).putSchedule('docs', undefined, 'test')
    await scheduler.refresh()
    expect(scheduler.nextRuns()).toEqual({})
    scheduler.stop()
  })
})
