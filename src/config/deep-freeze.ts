/** Config is validated once and then frozen, so nothing downstream can drift from what was checked. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value as object)) deepFreeze(item)
  }
  return value
}
