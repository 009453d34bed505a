/**
 * The order units are sent in, as groups of indexes: all units on one table (same key) merged
 * into the group of the first of them, every unit without a key alone. Units on one table keep
 * their order, so the later of two changes to one field wins, as it would one after the other.
 */
export function mergeGroups(keys: readonly (string | undefined)[]): number[][] {
  const groups: number[][] = []
  const byKey = new Map<string, number[]>()
  keys.forEach((key, index) => {
    if (key === undefined) return void groups.push([index])
    const group = byKey.get(key)
    if (group !== undefined) return void group.push(index)
    const fresh = [index]
    byKey.set(key, fresh)
    groups.push(fresh)
  })
  return groups
}
