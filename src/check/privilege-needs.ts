import type { RevmetaConfig } from '../config/load-config.js'
import type { Capabilities } from '../connectors/connector.js'
import { levels as allLevels, type Level } from '../model/asset.js'
import type { PrivilegeKind, PrivilegeNeed } from '../model/privilege.js'

const kindsBySync = [
  ['descriptions', 'description', 'descriptionLevels'],
  ['tags', 'tags', 'tagLevels'],
  ['owners', 'owners', 'ownerLevels'],
] as const

/**
 * What a service must be able to write: every kind a channel routing to it syncs, at the levels
 * that channel's filter lets through and the engine can hold. A kind the channel writes through a
 * custom template runs SQL revmeta cannot foresee, so it is left to the template's author.
 */
export function privilegeNeeds(config: RevmetaConfig, serviceName: string, caps: Capabilities): PrivilegeNeed[] {
  const wanted = new Map<PrivilegeKind, Set<Level>>()
  for (const channel of config.channels) {
    if (!channel.services.includes(serviceName)) continue
    const levels: readonly Level[] = channel.filter?.levels ?? allLevels
    for (const [sync, kind, capability] of kindsBySync) {
      if (!channel.sync[sync] || channel.templates[kind] !== undefined) continue
      const set = wanted.get(kind) ?? new Set<Level>()
      for (const level of levels) if (caps[capability].includes(level)) set.add(level)
      wanted.set(kind, set)
    }
  }
  const needs: PrivilegeNeed[] = []
  for (const [, kind] of kindsBySync) for (const level of allLevels) if (wanted.get(kind)?.has(level)) needs.push({ kind, level })
  return needs
}
