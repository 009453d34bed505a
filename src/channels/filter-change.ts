import { assetParts, type AssetRef } from '../model/asset.js'
import type { Change, OwnerRef, TagLabel } from '../model/change.js'
import { assetFqn, buildFqn } from '../model/fqn.js'
import { compileFilterRegex, compileFqnPattern, type ChannelFilter, type FilterPattern } from './channel-filter-schema.js'

/** A channel filter with its patterns compiled once. */
export interface ChannelFilterMatcher {
  /** Levels, include/exclude and the three filter patterns: what the channel covers, whatever the edit. */
  acceptsAsset(asset: AssetRef): boolean
  /** The change as the channel sees it: itself, a copy narrowed to the labels/owners it keeps, or undefined. */
  filter(change: Change): Change | undefined
}

type Predicate<T> = (value: T) => boolean

/**
 * OpenMetadata's `_filter` semantics, kept so that patterns copied from an OpenMetadata pipeline
 * select the same assets: a non-empty `includes` list decides alone (its `excludes` are ignored),
 * otherwise any matching exclude drops the name. Regexes are anchored at the start only and
 * case-insensitive (see compileFilterRegex).
 */
function compileFilterPattern(pattern: FilterPattern | undefined): Predicate<string> | undefined {
  const includes = (pattern?.includes ?? []).map(compileFilterRegex)
  if (includes.length > 0) return (name) => includes.some((regex) => regex.test(name))
  const excludes = (pattern?.excludes ?? []).map(compileFilterRegex)
  if (excludes.length > 0) return (name) => !excludes.some((regex) => regex.test(name))
  return undefined
}

/** The part a filter pattern tests, by its index in assetParts (service is 0). */
const patternParts = [
  ['databaseFilterPattern', 1],
  ['schemaFilterPattern', 2],
  ['tableFilterPattern', 3],
] as const

function compileAssetFilter(filter: ChannelFilter): Predicate<AssetRef> {
  const levels = filter.levels === undefined ? undefined : new Set<string>(filter.levels)
  const includes = (filter.include ?? []).map(compileFqnPattern)
  const excludes = (filter.exclude ?? []).map(compileFqnPattern)
  const patterns = patternParts.flatMap(([key, index]) => {
    const test = compileFilterPattern(filter[key])
    return test === undefined ? [] : [{ index, test }]
  })
  const useFqn = filter.useFqnForFiltering ?? false
  return (asset) => {
    if (levels !== undefined && !levels.has(asset.level)) return false
    const parts = assetParts(asset)
    let fqn: string | undefined
    const lazyFqn = (): string => (fqn ??= assetFqn(asset))
    if (includes.length > 0 && !includes.some((match) => match(parts, lazyFqn))) return false
    if (excludes.some((match) => match(parts, lazyFqn))) return false
    return patterns.every(({ index, test }) => {
      const name = parts[index]
      // A pattern for a part the asset lacks does not apply: a database is not filtered by schemaFilterPattern.
      if (name === undefined) return true
      return test(useFqn ? buildFqn(parts.slice(0, index + 1)) : name)
    })
  }
}

/** The classification (or glossary) of a tag: its FQN's first part, which may be quoted. */
export function tagGroup(tagFQN: string): string {
  if (tagFQN.startsWith('"')) {
    const close = tagFQN.indexOf('"', 1)
    if (close > 0) return tagFQN.slice(1, close)
  }
  const dot = tagFQN.indexOf('.')
  return dot < 0 ? tagFQN : tagFQN.slice(0, dot)
}

function compileTagFilter(filter: ChannelFilter): Predicate<TagLabel> | undefined {
  const tests: Predicate<TagLabel>[] = []
  if (filter.classifications) {
    const groups = new Set(filter.classifications)
    tests.push((tag) => groups.has(tagGroup(tag.tagFQN)))
  }
  if (filter.tagSources) {
    const sources = new Set<string>(filter.tagSources)
    tests.push((tag) => sources.has(tag.source))
  }
  if (filter.labelTypes) {
    const types = new Set<string>(filter.labelTypes)
    tests.push((tag) => types.has(tag.labelType ?? 'Manual'))
  }
  return tests.length === 0 ? undefined : (tag) => tests.every((test) => test(tag))
}

function compileOwnerFilter(filter: ChannelFilter): Predicate<OwnerRef> | undefined {
  if (!filter.ownerTypes) return undefined
  const types = new Set<string>(filter.ownerTypes)
  return (owner) => types.has(owner.type)
}

/** Keeps the change itself when nothing is dropped, so callers can tell "narrowed" by identity. */
function narrow<C extends { readonly added: readonly T[]; readonly removed: readonly T[] }, T>(change: C, keep: Predicate<T>): C | undefined {
  const added = change.added.filter(keep)
  const removed = change.removed.filter(keep)
  if (added.length === change.added.length && removed.length === change.removed.length) return change
  if (added.length === 0 && removed.length === 0) return undefined
  return { ...change, added, removed }
}

export function compileChannelFilter(filter: ChannelFilter): ChannelFilterMatcher {
  const acceptsAsset = compileAssetFilter(filter)
  const users = filter.users === undefined ? undefined : new Set(filter.users)
  const keepTag = compileTagFilter(filter)
  const keepOwner = compileOwnerFilter(filter)
  return {
    acceptsAsset,
    filter(change) {
      if (users !== undefined && (change.origin.user === undefined || !users.has(change.origin.user))) return undefined
      if (!acceptsAsset(change.asset)) return undefined
      if (change.kind === 'tags' && keepTag) return narrow(change, keepTag)
      if (change.kind === 'owners' && keepOwner) return narrow(change, keepOwner)
      return change
    },
  }
}

const compiled = new WeakMap<ChannelFilter, ChannelFilterMatcher>()

/** The change as a channel with this filter sees it, or undefined when the channel does not take it. */
export function filterChange(change: Change, filter: ChannelFilter): Change | undefined {
  let matcher = compiled.get(filter)
  if (matcher === undefined) {
    matcher = compileChannelFilter(filter)
    compiled.set(filter, matcher)
  }
  return matcher.filter(change)
}
