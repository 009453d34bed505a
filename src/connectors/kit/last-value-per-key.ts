/**
 * One value per tag key, the last one given winning (as the catalog's latest state does), in the
 * order each key was last given: engines that hold one value per key render each key once.
 */
export function lastValuePerKey<T extends { readonly key: string }>(tags: readonly T[]): T[] {
  const byKey = new Map<string, T>()
  for (const tag of tags) {
    byKey.delete(tag.key)
    byKey.set(tag.key, tag)
  }
  return [...byKey.values()]
}
