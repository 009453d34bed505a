import { CallArgs, expectIndex, expectStr, optionalIndex } from './arguments.js'
import { TemplateFault, typeError, valueError } from './faults.js'
import { chargeWork, checkWidth, type Budget } from './limits.js'
import { equals } from './operators.js'
import { pyRepr } from './repr.js'
import { iterate } from './sequences.js'
import { splitLines, splitString, stripString } from './str-split.js'
import { formatString } from './str-format.js'
import { codePoints, cpIndex, cpLength, cpSlice, isCased, isLowerChar, isPySpace, isUpperChar, lowerAfter, titleChar } from './text.js'
import { PyTuple, sequenceItems, truthy, typeName, type Value } from './values.js'

/** Calls a whitelisted method; the name was checked at compile time, the receiver's type is checked here. */
export function callMethod(self: Value, name: string, call: CallArgs, budget: Budget): Value {
  if (typeof self === 'string') {
    budget.work(self.length)
    return strMethod(self, name, call, budget)
  }
  const items = sequenceItems(self)
  if (items !== undefined && (name === 'count' || name === 'index')) return sequenceMethod(self, items, name, call)
  throw new TemplateFault('AttributeError', `'${typeName(self)}' object has no attribute '${name}'`)
}

function strMethod(s: string, name: string, call: CallArgs, budget: Budget): Value {
  switch (name) {
    case 'lower':
      return noArgs(call, s.toLowerCase())
    case 'upper':
      return noArgs(call, s.toUpperCase())
    case 'casefold':
      return noArgs(call, codePoints(s).map((ch) => ch.toUpperCase().toLowerCase()).join(''))
    case 'swapcase':
      return noArgs(call, swapcase(s))
    case 'title':
      return noArgs(call, title(s))
    case 'capitalize': {
      const [first = '', ...rest] = codePoints(s)
      return noArgs(call, titleChar(first) + lowerAfter(first, rest.join('')))
    }
    case 'isdigit':
      return noArgs(call, /^[\p{Nd}\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089]+$/u.test(s))
    case 'isalpha':
      return noArgs(call, /^\p{L}+$/u.test(s))
    case 'isalnum':
      return noArgs(call, /^[\p{L}\p{N}]+$/u.test(s))
    case 'isspace':
      return noArgs(call, s.length > 0 && codePoints(s).every(isPySpace))
    case 'isupper':
    case 'islower': {
      const chars = codePoints(s).filter(isCased)
      const test = name === 'isupper' ? isUpperChar : isLowerChar
      return noArgs(call, chars.length > 0 && chars.every(test))
    }
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      const [chars] = call.bind(['chars'], 0)
      const set = chars === undefined || chars === null ? undefined : expectStr(chars, `${name} arg`)
      return stripString(s, set, name !== 'rstrip', name !== 'lstrip')
    }
    case 'split':
    case 'rsplit': {
      const [sep, maxsplit] = call.bind(['sep', 'maxsplit'], 0, ['sep', 'maxsplit'])
      if (sep !== undefined && sep !== null && typeof sep !== 'string') throw typeError(`must be str or None, not ${typeName(sep)}`)
      const separator = sep === undefined || sep === null ? undefined : sep
      return splitString(s, separator, maxsplit === undefined ? -1 : expectIndex(maxsplit), name === 'rsplit')
    }
    case 'splitlines': {
      const [keepends] = call.bind(['keepends'], 0, ['keepends'])
      return splitLines(s, keepends !== undefined && truthy(keepends))
    }
    case 'join':
      return join(s, call, budget)
    case 'replace':
      return replace(s, call, budget)
    case 'startswith':
    case 'endswith':
      return affix(s, name, call)
    case 'removeprefix':
    case 'removesuffix': {
      const [affixArg] = call.bind(['prefix'], 1)
      const text = expectStr(affixArg, `${name}() argument`)
      if (name === 'removeprefix') return text !== '' && s.startsWith(text) ? s.slice(text.length) : s
      return text !== '' && s.endsWith(text) ? s.slice(0, s.length - text.length) : s
    }
    case 'count':
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex':
      return search(s, name, call)
    case 'zfill': {
      const [widthArg] = call.bind(['width'], 1)
      const width = expectIndex(widthArg)
      const size = cpLength(s)
      if (width <= size) return s
      checkWidth(width, 'zfill() width')
      const sign = s.startsWith('+') || s.startsWith('-') ? s.charAt(0) : ''
      return sign + '0'.repeat(width - size) + s.slice(sign.length)
    }
    case 'ljust':
    case 'rjust':
    case 'center':
      return justify(s, name, call)
    case 'format':
      return formatString(s, call.positional, call.keywords, budget)
    default:
      throw new TemplateFault('AttributeError', `'str' object has no attribute '${name}'`)
  }
}

function noArgs(call: CallArgs, result: Value): Value {
  call.bind([], 0)
  return result
}

/** Python's title(): a cased character after an uncased one starts a word; the rest is lowercased. */
function title(s: string): string {
  let previousCased = false
  let out = ''
  let head = ''
  let run = ''
  for (const ch of s) {
    if (previousCased) {
      run += ch
    } else {
      out += lowerAfter(head, run) + titleChar(ch)
      head = ch
      run = ''
    }
    previousCased = isCased(ch)
  }
  return out + lowerAfter(head, run)
}

/** swapcase(): sigma becomes final sigma at the end of a word, as Python's lower() does. */
function swapcase(s: string): string {
  const chars = codePoints(s)
  return chars
    .map((ch, i) => {
      // A little context either side decides the final sigma; more would make this quadratic.
      if (ch === '\u03a3') return lowerAfter(chars.slice(Math.max(0, i - 8), i).join(''), chars.slice(i, i + 8).join('')).charAt(0)
      if (isUpperChar(ch)) return ch.toLowerCase()
      return isLowerChar(ch) ? ch.toUpperCase() : ch
    })
    .join('')
}

function join(separator: string, call: CallArgs, budget: Budget): string {
  const [iterable] = call.bind(['iterable'], 1)
  const items = iterate(iterable ?? null, budget)
  let total = separator.length * Math.max(0, items.length - 1)
  items.forEach((item, index) => {
    if (typeof item !== 'string') throw typeError(`sequence item ${index}: expected str instance, ${typeName(item)} found`)
    total += item.length
  })
  budget.string(total)
  return (items as readonly string[]).join(separator)
}

function replace(s: string, call: CallArgs, budget: Budget): string {
  const [oldArg, newArg, countArg] = call.bind(['old', 'new', 'count'], 2)
  const old = expectStr(oldArg, 'replace() argument 1')
  const replacement = expectStr(newArg, 'replace() argument 2')
  const count = countArg === undefined ? -1 : expectIndex(countArg)
  if (old === '') {
    const chars = codePoints(s)
    const inserts = count < 0 ? chars.length + 1 : Math.min(count, chars.length + 1)
    budget.string(s.length + inserts * replacement.length)
    let out = ''
    for (let i = 0; i <= chars.length; i++) out += (i < inserts ? replacement : '') + (chars[i] ?? '')
    return out
  }
  const parts = s.split(old)
  const found = parts.length - 1
  const n = count < 0 ? found : Math.min(count, found)
  budget.string(s.length + n * (replacement.length - old.length))
  if (n === found) return parts.join(replacement)
  return parts.slice(0, n + 1).join(replacement) + old + parts.slice(n + 1).join(old)
}

/** Python's adjust_indices: the [start, end) window of start/end/count/find arguments. */
function window(s: string, startArg: Value | undefined, endArg: Value | undefined): { text: string; offset: number; valid: boolean } {
  const size = cpLength(s)
  let start = optionalIndex(startArg) ?? 0
  let end = optionalIndex(endArg) ?? size
  if (end > size) end = size
  else if (end < 0) end = Math.max(0, end + size)
  if (start < 0) start = Math.max(0, start + size)
  return { text: start < end ? cpSlice(s, start, end) : '', offset: start, valid: start <= size }
}

function affix(s: string, name: string, call: CallArgs): boolean {
  const [affixArg, start, end] = call.bind(['prefix', 'start', 'end'], 1)
  const candidates = affixArg instanceof PyTuple ? affixArg.items : [affixArg ?? null]
  const { text, valid } = window(s, start, end)
  return candidates.some((candidate) => {
    if (typeof candidate !== 'string') {
      throw typeError(`${name} first arg must be str or a tuple of str, not ${typeName(affixArg ?? null)}`)
    }
    return valid && (name === 'startswith' ? text.startsWith(candidate) : text.endsWith(candidate))
  })
}

function search(s: string, name: string, call: CallArgs): Value {
  const [subArg, start, end] = call.bind(['sub', 'start', 'end'], 1)
  const sub = expectStr(subArg, '')
  const { text, offset, valid } = window(s, start, end)
  if (name === 'count') {
    if (!valid) return 0n
    return BigInt(sub === '' ? cpLength(text) + 1 : text.split(sub).length - 1)
  }
  const unit = !valid ? -1 : name === 'find' || name === 'index' ? text.indexOf(sub) : text.lastIndexOf(sub)
  if (unit < 0) {
    if (name === 'index' || name === 'rindex') throw valueError('substring not found')
    return -1n
  }
  return BigInt(offset + cpIndex(text, unit))
}

function justify(s: string, name: string, call: CallArgs): string {
  const [widthArg, fillArg] = call.bind(['width', 'fillchar'], 1)
  const width = expectIndex(widthArg)
  const fill = fillArg === undefined ? ' ' : expectStr(fillArg, `${name}() argument 2`)
  if (cpLength(fill) !== 1) throw typeError('The fill character must be exactly one character long')
  const size = cpLength(s)
  if (width <= size) return s
  checkWidth(width, `${name}() width`)
  const margin = width - size
  if (name === 'ljust') return s + fill.repeat(margin)
  if (name === 'rjust') return fill.repeat(margin) + s
  // CPython's center() puts the odd space on the left when the width is odd, unlike format's '^'.
  const left = Math.floor(margin / 2) + (margin & width & 1)
  return fill.repeat(left) + s + fill.repeat(margin - left)
}

function sequenceMethod(self: Value, items: readonly Value[], name: string, call: CallArgs): Value {
  chargeWork(items.length)
  if (name === 'count') {
    const [value] = call.bind(['value'], 1)
    return BigInt(items.filter((item) => equals(item, value ?? null)).length)
  }
  const [value, start, end] = call.bind(['value', 'start', 'stop'], 1)
  const size = items.length
  const clamp = (n: number | undefined, fallback: number): number => (n === undefined ? fallback : n < 0 ? Math.max(0, n + size) : Math.min(n, size))
  for (let i = clamp(optionalIndex(start), 0); i < clamp(optionalIndex(end), size); i++) {
    if (equals(items[i] ?? null, value ?? null)) return BigInt(i)
  }
  throw valueError(self instanceof PyTuple ? 'tuple.index(x): x not in tuple' : `${pyRepr(value ?? null)} is not in list`)
}
