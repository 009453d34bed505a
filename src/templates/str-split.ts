import { valueError } from './faults.js'
import { LINE_BREAKS, codePoints, isPySpace } from './text.js'
import type { PyList } from './values.js'

/** strip/lstrip/rstrip: `chars` undefined means Python whitespace. */
export function stripString(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined ? undefined : new Set(codePoints(chars))
  const strip = set === undefined ? isPySpace : (ch: string): boolean => set.has(ch)
  const cps = codePoints(s)
  let start = 0
  let end = cps.length
  if (left) while (start < end && strip(cps[start] ?? '')) start++
  if (right) while (end > start && strip(cps[end - 1] ?? '')) end--
  return start === 0 && end === cps.length ? s : cps.slice(start, end).join('')
}

/** split/rsplit with Python's two modes: runs of whitespace (sep None) or an exact separator. */
export function splitString(s: string, sep: string | undefined, maxsplit: number, fromRight: boolean): PyList {
  if (sep === undefined) return Object.freeze(splitWhitespace(s, maxsplit, fromRight))
  if (sep === '') throw valueError('empty separator')
  const parts = s.split(sep)
  if (maxsplit < 0 || parts.length - 1 <= maxsplit) return Object.freeze(parts)
  if (!fromRight) return Object.freeze([...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)])
  const head = parts.length - maxsplit
  return Object.freeze([parts.slice(0, head).join(sep), ...parts.slice(head)])
}

function splitWhitespace(s: string, maxsplit: number, fromRight: boolean): string[] {
  const cps = codePoints(s)
  if (fromRight) cps.reverse()
  const out: string[] = []
  let i = 0
  const skipSpace = (): void => {
    while (i < cps.length && isPySpace(cps[i] ?? '')) i++
  }
  skipSpace()
  while (i < cps.length) {
    if (maxsplit >= 0 && out.length === maxsplit) {
      // The remainder is kept as is, trailing whitespace included, as Python does.
      out.push(cps.slice(i).join(''))
      break
    }
    const start = i
    while (i < cps.length && !isPySpace(cps[i] ?? '')) i++
    out.push(cps.slice(start, i).join(''))
    skipSpace()
  }
  if (!fromRight) return out
  return out.map((part) => codePoints(part).reverse().join('')).reverse()
}

export function splitLines(s: string, keepends: boolean): PyList {
  const out: string[] = []
  let start = 0
  let i = 0
  while (i < s.length) {
    const ch = s.charAt(i)
    if (!LINE_BREAKS.has(ch)) {
      i++
      continue
    }
    const breakLength = ch === '\r' && s.charAt(i + 1) === '\n' ? 2 : 1
    out.push(s.slice(start, keepends ? i + breakLength : i))
    i += breakLength
    start = i
  }
  if (start < s.length) out.push(s.slice(start))
  return Object.freeze(out)
}
