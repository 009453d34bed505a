import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { ResolvedChannel } from '../../config/load-config.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { UiChannelStore } from '../../store/ui-channel-store.js'
import { checkCron } from '../channel-scheduler.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'
import { reloadUiChannels } from '../ui-channels.js'

const nameParams = z.strictObject({ name: z.string().min(1).max(200) })
/** A channel made in the app: a name that reads well in a URL and never holds the `|` of operation keys. */
const newNameParams = z.strictObject({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'letters, digits, space, ".", "_" and "-" (at most 64), starting with a letter or digit') })
const channelBody = z.record(z.string(), z.unknown())
const scheduleBody = z.strictObject({ cron: z.string().trim().min(1).max(200).nullable() })

/** A channel as the Set up page shows it: its settings without the compiled templates. */
function shown(channel: ResolvedChannel) {
  const { compiled: _compiled, ...rest } = channel
  return rest
}

/**
 * Channels: the YAML file's (read-only: a GitOps setup stays the source of truth) and the web
 * app's (stored, validated like YAML ones, in effect at once). Schedules may be set on both.
 */
export async function channelRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const { store, log } = context
  const live = context.live!
  const channels = UiChannelStore.of(store)
  const changed = async () => {
    await reloadUiChannels(live, store, log)
    context.onChannelsChanged?.()
  }
  const find = (name: string) => {
    const channel = live.config.channels.find((c) => c.name === name)
    if (!channel) throw new RevmetaError('CHANNEL_NOT_FOUND', `There is no channel ${JSON.stringify(name)}.`, { details: { channel: name } })
    return channel
  }

  app.get('/api/v1/revmeta/channels', async () => {
    const rows = new Map((await channels.list()).map((r) => [r.name, r]))
    return {
      channels: live.config.channels.map((c) => {
        const row = rows.get(c.name)
        return { name: c.name, source: live.isYaml(c.name) ? 'yaml' : 'app', readOnly: live.isYaml(c.name), channel: shown(c), schedule: row?.schedule ?? null, updatedBy: row?.updatedBy ?? null }
      }),
      warnings: live.config.warnings,
    }
  })

  app.put('/api/v1/revmeta/channels/:name', async (request) => {
    const { name } = requestInput(nameParams, request.params, 'channel name')
    if (live.isYaml(name)) throw new RevmetaError('CHANNEL_READ_ONLY', `Channel ${name} comes from the configuration file; change it there.`, { details: { channel: name } })
    requestInput(newNameParams, request.params, 'channel name')
    // The path names the channel; a name in the body is replaced, so one cannot save under another's name.
    const body = { ...requestInput(channelBody, request.body, 'channel'), name }
    live.resolve(body)
    await channels.putBody(name, body, request.principal?.name ?? 'unknown')
    await changed()
    log?.(`channel ${name} saved by ${request.principal?.name ?? 'unknown'}`)
    return { channel: shown(find(name)) }
  })

  app.delete('/api/v1/revmeta/channels/:name', async (request) => {
    const { name } = requestInput(nameParams, request.params, 'channel name')
    if (live.isYaml(name)) throw new RevmetaError('CHANNEL_READ_ONLY', `Channel ${name} comes from the configuration file; remove it there.`, { details: { channel: name } })
    if (!(await channels.delete(name))) throw new RevmetaError('CHANNEL_NOT_FOUND', `There is no channel ${JSON.stringify(name)} made in the web app.`, { details: { channel: name } })
    await changed()
    log?.(`channel ${name} deleted by ${request.principal?.name ?? 'unknown'}`)
    return { deleted: name }
  })

  app.put('/api/v1/revmeta/channels/:name/schedule', async (request) => {
    const { name } = requestInput(nameParams, request.params, 'channel name')
    const { cron } = requestInput(scheduleBody, request.body, 'schedule')
    find(name)
    if (cron !== null) checkCron(cron)
    await channels.putSchedule(name, cron ?? undefined, request.principal?.name ?? 'unknown')
    await changed()
    return { channel: name, schedule: cron }
  })
}
