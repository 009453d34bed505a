import { isDeepStrictEqual } from 'node:util'
import { levels } from '../model/asset.js'
import type { ChannelConfig } from '../config/config-schema.js'

const kinds = [
  { toggle: 'descriptions', templates: ['description'], options: ['descriptionFormat', 'onTooLong'] },
  { toggle: 'tags', templates: ['tags', 'tagsRemoved'], options: ['tags'] },
  { toggle: 'owners', templates: ['owners', 'ownersRemoved'], options: ['owners'] },
] as const

/**
 * Channels that can match the same edit apply it once each, as in OpenMetadata. Two channels that
 * split the kinds between them (one syncs descriptions, the other tags) never touch the same
 * edit, so they are fine; two that both sync a kind write it twice, and that is named when
 * channels load — as a conflict when their SQL or options differ. Overlap is judged on services
 * and levels; FQN patterns and tag filters are not compared, so a warning may be a false alarm.
 */
export function overlapWarnings(channels: readonly (Omit<ChannelConfig, 'services'> & { services: readonly string[] })[]): string[] {
  const warnings: string[] = []
  for (let i = 0; i < channels.length; i++) {
    for (let j = i + 1; j < channels.length; j++) {
      const a = channels[i]!
      const b = channels[j]!
      const services = a.services.filter((s) => b.services.includes(s))
      const aLevels = a.filter?.levels ?? levels
      const sharedLevels = (b.filter?.levels ?? levels).filter((l) => aLevels.includes(l))
      if (services.length === 0 || sharedLevels.length === 0) continue
      const where = `service ${services.join(', ')} at ${sharedLevels.join(', ')} level`
      for (const kind of kinds) {
        if (!a.sync[kind.toggle] || !b.sync[kind.toggle]) continue
        const differ =
          kind.templates.some((t) => a.templates[t] !== b.templates[t]) || kind.options.some((o) => !isDeepStrictEqual(a.options[o], b.options[o]))
        warnings.push(
          differ
            ? `channels ${a.name} and ${b.name} overlap on ${where} and both sync ${kind.toggle} with different SQL or options: an edit matching both is written twice, differently`
            : `channels ${a.name} and ${b.name} overlap on ${where} and both sync ${kind.toggle}: an edit matching both is written twice`,
        )
      }
    }
  }
  return warnings
}
