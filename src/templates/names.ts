/**
 * Which names a template may use. Everything here is an allow-list or an explicit refusal:
 * the evaluator never looks a user-written name up on a JS object, so these lists are the whole
 * surface a template can reach.
 */

/** Python keywords: never names. Those with a meaning in templates are handled by the parser. */
export const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
])

export const BUILTIN_FUNCTIONS = new Set([
  'len', 'str', 'repr', 'ascii', 'format', 'int', 'float', 'bool', 'list', 'tuple', 'sorted', 'min', 'max', 'sum', 'any', 'all',
  'enumerate', 'zip', 'range', 'reversed', 'abs', 'round', 'chr', 'ord',
])

export const STR_METHODS = new Set([
  'replace', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'rsplit', 'join', 'startswith', 'endswith', 'format', 'title',
  'capitalize', 'casefold', 'count', 'find', 'rfind', 'index', 'rindex', 'zfill', 'ljust', 'rjust', 'center', 'isdigit', 'isalpha',
  'isalnum', 'isupper', 'islower', 'isspace', 'removeprefix', 'removesuffix', 'splitlines', 'swapcase',
])

export const SEQUENCE_METHODS = new Set(['count', 'index'])

/** Python and JS names that reach interpreter or host internals. */
const DANGEROUS = new Set([
  'eval', 'exec', 'compile', 'getattr', 'setattr', 'delattr', 'hasattr', 'globals', 'locals', 'vars', 'dir', 'open', 'input',
  'help', 'breakpoint', 'type', 'object', 'super', 'memoryview', 'classmethod', 'staticmethod', 'property', 'isinstance',
  'issubclass', 'iter', 'next', 'exit', 'quit', 'mro', 'constructor', 'prototype', 'toString', 'valueOf', 'toLocaleString',
  'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'apply', 'call', 'bind', 'arguments', 'caller', 'callee',
  'globalThis', 'Function', 'require', 'process',
])

/** Why a name or attribute is refused, or undefined when it is not refused outright. */
export function refusal(name: string): string | undefined {
  if (name.startsWith('_')) return `names starting with '_' are not allowed ('${name}')`
  if (DANGEROUS.has(name)) return `'${name}' is not available in templates`
  return undefined
}

export function isMethodName(name: string): boolean {
  return STR_METHODS.has(name) || SEQUENCE_METHODS.has(name)
}

/** The closest few names, to suggest a fix for a typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost))
    }
    previous = current
  }
  return previous[b.length] ?? 99
}
