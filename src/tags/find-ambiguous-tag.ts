import type { EngineTag } from './map-tag.js'

export interface Ambiguity {
  readonly key: string
  readonly adding: EngineTag
  /** The other tag of the same key: already on the asset, or added earlier in the same batch. */
  readonly existing: { readonly key: string; readonly value: string; readonly tagFQN?: string }
  readonly where: 'source' | 'batch'
}

/**
 * OpenMetadata's ambiguous-tag rule: a new tag must not join another tag of the same
 * classification on one asset, because engines keep one value per key and would silently
 * overwrite it. Tags being removed in the same operation no longer count.
 */
export function findAmbiguousTag(
  adding: readonly EngineTag[],
  removing: readonly EngineTag[],
  current: readonly { key: string; value: string }[] | undefined,
): Ambiguity | undefined {
  const removed = new Set(removing.map((t) => `${t.key}\u0000${t.value}`))
  const held = new Map<string, { key: string; value: string; tagFQN?: string }>()
  for (const tag of current ?? []) if (!removed.has(`${tag.key}\u0000${tag.value}`)) held.set(tag.key, tag)
  const seen = new Map<string, EngineTag>()
  for (const tag of adding) {
    const earlier = seen.get(tag.key)
    if (earlier && earlier.value !== tag.value) return { key: tag.key, adding: tag, existing: earlier, where: 'batch' }
    const onAsset = held.get(tag.key)
    if (onAsset && onAsset.value !== tag.value) return { key: tag.key, adding: tag, existing: onAsset, where: 'source' }
    seen.set(tag.key, tag)
  }
  return undefined
}
