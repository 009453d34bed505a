import { TemplateFault, valueError } from './faults.js'
import { formatValue } from './format-spec.js'
import type { Budget } from './limits.js'
import { checkStringLength } from './limits.js'
import { pyAscii, pyRepr, pyStr } from './repr.js'
import { getItem } from './sequences.js'
import type { Value } from './values.js'

/**
 * str.format(). The format string is data here (it may come from a variable), so it is parsed at
 * render time. Field names may index (`{0[1]}`) but never reach attributes (`{0.__class__}`),
 * which is how str.format escapes sandboxes in Python.
 */
export function formatString(format: string, args: readonly Value[], keywords: ReadonlyMap<string, Value>, budget: Budget): string {
  return new StrFormatter(args, keywords, budget).render(format, 0)
}

class StrFormatter {
  private autoIndex = 0
  private numbering: 'auto' | 'manual' | undefined

  constructor(
    private readonly args: readonly Value[],
    private readonly keywords: ReadonlyMap<string, Value>,
    private readonly budget: Budget,
  ) {}

  render(format: string, depth: number): string {
    if (depth > 1) throw valueError('Max string recursion exceeded')
    let out = ''
    let i = 0
    while (i < format.length) {
      const c = format.charAt(i)
      this.budget.step()
      if (c === '}') {
        if (format.charAt(i + 1) !== '}') throw valueError("Single '}' encountered in format string")
        out += '}'
        i += 2
      } else if (c === '{') {
        if (format.charAt(i + 1) === '{') {
          out += '{'
          i += 2
          continue
        }
        if (i === format.length - 1) throw valueError("Single '{' encountered in format string")
        const close = matchingBrace(format, i)
        out += this.field(format.slice(i + 1, close), depth)
        i = close + 1
      } else {
        const next = nextBrace(format, i)
        out += format.slice(i, next)
        i = next
      }
      checkStringLength(out.length)
    }
    return out
  }

  private field(text: string, depth: number): string {
    let bracket = false
    let end = 0
    while (end < text.length) {
      const c = text.charAt(end)
      if (c === '[') bracket = true
      else if (c === ']') bracket = false
      else if (!bracket && (c === '!' || c === ':')) break
      end++
    }
    const name = text.slice(0, end)
    let conversion: string | undefined
    let rest = text.slice(end)
    if (rest.startsWith('!')) {
      if (rest.length < 2) throw valueError("unmatched '{' in format spec")
      conversion = rest.charAt(1)
      if (!'rsa'.includes(conversion)) throw valueError(`Unknown conversion specifier ${conversion}`)
      rest = rest.slice(2)
      if (rest !== '' && !rest.startsWith(':')) throw valueError("expected ':' after conversion specifier")
    }
    // Python numbers the field itself before the fields nested in its spec.
    let value = this.lookup(name)
    const spec = rest.startsWith(':') ? this.render(rest.slice(1), depth + 1) : ''
    if (conversion === 'r') value = pyRepr(value)
    else if (conversion === 's') value = pyStr(value)
    else if (conversion === 'a') value = pyAscii(value)
    return formatValue(value, spec)
  }

  private lookup(fieldName: string): Value {
    const head = /^[^.[]*/.exec(fieldName)?.[0] ?? ''
    let value: Value
    if (head === '') {
      if (this.numbering === 'manual') throw valueError('cannot switch from manual field specification to automatic field numbering')
      this.numbering = 'auto'
      value = this.positional(this.autoIndex++)
    } else if (/^[0-9]+$/.test(head)) {
      if (this.numbering === 'auto') throw valueError('cannot switch from automatic field numbering to manual field specification')
      this.numbering = 'manual'
      value = this.positional(Number(head))
    } else {
      const found = this.keywords.get(head)
      if (found === undefined) throw new TemplateFault('KeyError', `'${head}'`)
      value = found
    }
    let rest = fieldName.slice(head.length)
    while (rest !== '') {
      const index = /^\[([^\]]*)\]/.exec(rest)
      if (rest.startsWith('.')) throw valueError('attribute access in format fields is not supported in templates')
      if (index === null) throw valueError('Only \'.\' or \'[\' may follow \']\' in format field specifier')
      const key = index[1] ?? ''
      value = getItem(value, /^[0-9]+$/.test(key) ? BigInt(key) : key)
      rest = rest.slice(index[0].length)
    }
    return value
  }

  private positional(index: number): Value {
    const value = this.args[index]
    if (value === undefined) throw new TemplateFault('IndexError', `Replacement index ${index} out of range for positional args tuple`)
    return value
  }
}

function matchingBrace(format: string, open: number): number {
  let level = 0
  for (let i = open; i < format.length; i++) {
    const c = format.charAt(i)
    if (c === '{') level++
    else if (c === '}' && --level === 0) return i
  }
  throw valueError(level > 1 ? "unmatched '{' in format spec" : "expected '}' before end of string")
}

function nextBrace(format: string, from: number): number {
  const a = format.indexOf('{', from)
  const b = format.indexOf('}', from)
  const candidates = [a, b].filter((n) => n >= 0)
  return candidates.length === 0 ? format.length : Math.min(...candidates)
}
