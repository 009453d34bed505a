import type { Change, TagLabel } from '../model/change.js'

/** OpenMetadata's TagLabel.state (type/tagLabel.json): suggestions wait for an owner to confirm them. */
export const tagStates = ['Confirmed', 'Suggested'] as const

/** A channel with no `filter.tagStates` pushes only what a person accepted in the catalog. */
export const defaultTagStates: readonly string[] = ['Confirmed']

/** OpenMetadata's default state: a label without one (older servers, pipelines) is confirmed. */
export const stateOf = (tag: TagLabel): string => tag.state ?? 'Confirmed'

/**
 * A tags change narrowed to the states a channel syncs, adds and removes alike (a suggestion never
 * written needs no removal either), with the count of labels left out by state. Any other change,
 * and a tags change that loses nothing, comes back as it was.
 */
export function keepTagStates(change: Change, states: ReadonlySet<string>): { change?: Change; dropped: Record<string, number> } {
  if (change.kind !== 'tags') return { change, dropped: {} }
  const dropped: Record<string, number> = {}
  const keep = (tag: TagLabel) => {
    const state = stateOf(tag)
    if (states.has(state)) return true
    dropped[state] = (dropped[state] ?? 0) + 1
    return false
  }
  const added = change.added.filter(keep)
  const removed = change.removed.filter(keep)
  if (added.length === change.added.length && removed.length === change.removed.length) return { change, dropped }
  if (added.length === 0 && removed.length === 0) return { dropped }
  return { change: { ...change, added, removed }, dropped }
}
