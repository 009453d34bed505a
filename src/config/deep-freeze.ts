/**
 * Config is validated once and then frozen, so nothing downstream can drift from what was checked.
 * Only plain data is frozen: class instances (compiled templates) own their internals. The walk
 * keeps its own stack, so no nesting depth can overflow the call stack.
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object' || Object.isFrozen(node)) continue
    const proto = Object.getPrototypeOf(node)
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) continue
    Object.freeze(node)
    for (const item of Object.values(node as object)) stack.push(item)
  }
  return value
}
