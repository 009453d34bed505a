/**
 * Config is validated once and then frozen, so nothing downstream can drift from what was checked.
 * Only plain data is frozen: class instances (compiled templates) own their internals.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value
  Object.freeze(value)
  for (const item of Object.values(value as object)) deepFreeze(item)
  return value
}
