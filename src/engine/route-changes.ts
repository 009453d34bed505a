import type { RevmetaConfig } from '../config/load-config.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { assetFqn } from '../model/fqn.js'
import type { Change, ChangeKind } from '../model/change.js'
import type { RoutedChange } from '../planning/planner.js'
import { compileChannelFilter } from '../channels/filter-change.js'
import { defaultTagStates, keepTagStates } from '../channels/tag-states.js'

const toggle: Record<ChangeKind, 'descriptions' | 'tags' | 'owners'> = { description: 'descriptions', tags: 'tags', owners: 'owners' }

export interface RouteResult {
  readonly routed: RoutedChange[]
  /** Changes that cannot go anywhere because their service is not configured. */
  readonly rejected: { change: Change; error: RevmetaError }[]
  /** Changes that no channel syncs, counted by reason. */
  readonly filtered: Record<string, number>
}

/** Sends each change to every channel that covers its service and syncs its kind (once per channel, as OpenMetadata does). */
export function routeChanges(changes: readonly Change[], config: RevmetaConfig): RouteResult {
  const services = new Set(config.services.map((s) => s.name))
  const routed: RoutedChange[] = []
  const rejected: RouteResult['rejected'] = []
  const filtered: Record<string, number> = {}
  const matchers = config.channels.map((channel) => (channel.filter ? compileChannelFilter(channel.filter) : undefined))
  const states = config.channels.map((channel) => new Set(channel.filter?.tagStates ?? defaultTagStates))
  for (const change of changes) {
    if (!services.has(change.asset.service)) {
      rejected.push({
        change,
        error: new RevmetaError('UNKNOWN_SERVICE', `No service named ${JSON.stringify(change.asset.service)} is configured (asset ${assetFqn(change.asset)})`, {
          details: { service: change.asset.service, asset: assetFqn(change.asset), eventId: change.origin.eventId, index: change.origin.index },
        }),
      })
      continue
    }
    let synced = false
    let matched = false
    config.channels.forEach((channel, i) => {
      if (!channel.services.includes(change.asset.service) || !channel.sync[toggle[change.kind]]) return
      synced = true
      const kept = keepTagStates(change, states[i]!)
      for (const [state, n] of Object.entries(kept.dropped)) {
        const reason = `tag state ${state} (not in filter.tagStates of channel ${channel.name})`
        filtered[reason] = (filtered[reason] ?? 0) + n
      }
      if (!kept.change) return
      const narrowed = matchers[i] ? matchers[i].filter(kept.change) : kept.change
      if (!narrowed) return
      routed.push({ channel: channel.name, change: narrowed })
      matched = true
    })
    if (!matched) {
      const reason = synced ? `filtered out by every channel (${toggle[change.kind]})` : `no channel syncs ${toggle[change.kind]}`
      filtered[reason] = (filtered[reason] ?? 0) + 1
    }
  }
  return { routed, rejected, filtered }
}
