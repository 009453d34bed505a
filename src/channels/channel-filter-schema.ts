import { z } from 'zod'
import { levels } from '../model/asset.js'
import { tagStates } from './tag-states.js'

/**
 * Which changes a channel takes. Every key narrows; an absent key lets everything through.
 * Pattern strings are compiled here too, so that a pattern the schema accepts always compiles.
 */

/** Tests the raw names of an asset (service first) and its canonical FQN. */
export type FqnMatcher = (parts: readonly string[], fqn: () => string) => boolean

const regexLiteral = /^\/(.*)\/([a-z]*)$/s

/**
 * `/.../flags` is a JavaScript regular expression searched in the canonical FQN (anchor it with ^ and $
 * when needed); anything else is a glob over FQN parts. Throws an Error naming the pattern.
 */
export function compileFqnPattern(pattern: string): FqnMatcher {
  const literal = regexLiteral.exec(pattern)
  if (literal) {
    const [, source = '', flags = ''] = literal
    // g and y make RegExp.test stateful, which would make routing depend on the previous change.
    const bad = [...flags].find((f) => !'isu'.includes(f))
    if (bad !== undefined) throw new Error(`The pattern ${pattern} uses the flag '${bad}'; only i, s and u are allowed`)
    let regex: RegExp
    try {
      regex = new RegExp(source, flags)
    } catch (error) {
      throw new Error(`The pattern ${pattern} is not a valid regular expression: ${(error as Error).message}`)
    }
    return (_parts, fqn) => regex.test(fqn())
  }
  const segments = splitGlob(pattern).map((segment) => (segment === '**' ? '**' : globPart(segment, pattern)))
  return (parts) => matchSegments(segments, 0, parts, 0)
}

function matchSegments(segments: readonly (RegExp | '**')[], s: number, parts: readonly string[], p: number): boolean {
  if (s === segments.length) return p === parts.length
  const segment = segments[s]
  if (segment === '**') {
    // '**' takes zero or more parts, so `svc.db.sales.**` also covers the schema itself.
    for (let q = p; q <= parts.length; q++) if (matchSegments(segments, s + 1, parts, q)) return true
    return false
  }
  return p < parts.length && segment !== undefined && segment.test(parts[p] as string) && matchSegments(segments, s + 1, parts, p + 1)
}

/** Splits at dots outside double quotes, as OpenMetadata splits FQNs; quotes only group, they never match. */
function splitGlob(pattern: string): string[] {
  const segments: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '\\' && i + 1 < pattern.length) current += c + pattern[++i]
    else if (c === '"') quoted = !quoted
    else if (c === '.' && !quoted) segments.push(current), (current = '')
    else current += c
  }
  if (quoted) throw new Error(`The pattern ${pattern} has an unclosed double quote`)
  segments.push(current)
  if (segments.some((s) => s.length === 0)) throw new Error(`The pattern ${pattern} has an empty FQN part`)
  return segments
}

/** One FQN part's glob: * (within the part), ? (one character), [abc] / [!abc], {a,b}, \ escapes. */
function globPart(segment: string, pattern: string): RegExp {
  let out = ''
  let braces = 0
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string
    if (c === '\\') out += escapeRegex(segment[++i] ?? '\\')
    else if (c === '*') {
      while (segment[i + 1] === '*') i++
      out += '.*'
    } else if (c === '?') out += '.'
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2)
      if (close < 0) throw new Error(`The pattern ${pattern} has an unclosed '['`)
      let body = segment.slice(i + 1, close)
      if (body.startsWith('!')) body = '^' + body.slice(1)
      out += `[${body.replace(/[\\\]]/g, '\\$&')}]`
      i = close
    } else if (c === '{') (braces += 1), (out += '(?:')
    else if (c === '}' && braces > 0) (braces -= 1), (out += ')')
    else if (c === ',' && braces > 0) out += '|'
    else out += escapeRegex(c)
  }
  if (braces > 0) throw new Error(`The pattern ${pattern} has an unclosed '{'`)
  try {
    return new RegExp(`^(?:${out})$`, 'su')
  } catch (error) {
    throw new Error(`The pattern ${pattern} is not a valid glob: ${(error as Error).message}`)
  }
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * An OpenMetadata filter-pattern regex. OpenMetadata's `_filter` (ingestion/src/metadata/utils/filters.py)
 * calls Python's `re.match(regex, name, re.IGNORECASE)`: anchored at the start only, case-insensitive.
 * Python-only syntax that configs copied from OpenMetadata may hold is translated: (?P<n>...), (?P=n),
 * \A, \Z and a leading inline flag group.
 */
export function compileFilterRegex(regex: string): RegExp {
  let source = regex
  let flags = 'i'
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source)
  if (inline) {
    const letters = inline[1] as string
    if (letters.includes('x')) throw new Error(`The regular expression ${regex} uses the verbose flag (?x), which is not supported`)
    for (const f of 'ms') if (letters.includes(f)) flags += f
    source = source.slice(inline[0].length)
  }
  let out = ''
  for (let i = 0; i < source.length; i++) {
    const rest = source.slice(i)
    const backref = /^\(\?P=(\w+)\)/.exec(rest)
    if (rest.startsWith('(?P<')) (out += '(?<'), (i += 3)
    else if (backref) (out += `\\k<${backref[1]}>`), (i += backref[0].length - 1)
    else if (rest.startsWith('\\A')) (out += '^'), (i += 1)
    else if (rest.startsWith('\\Z')) (out += '$'), (i += 1)
    else if (rest.startsWith('\\')) (out += rest.slice(0, 2)), (i += 1)
    else out += rest[0]
  }
  try {
    return new RegExp(`^(?:${out})`, flags)
  } catch (error) {
    throw new Error(`The regular expression ${regex} is not valid: ${(error as Error).message}`)
  }
}

function compiles(compile: (pattern: string) => unknown) {
  return z.string().superRefine((pattern, ctx) => {
    try {
      compile(pattern)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
    }
  })
}

const fqnPatterns = z.array(compiles(compileFqnPattern))

/** OpenMetadata's filterPattern: when `includes` is non-empty, `excludes` is ignored (see compileChannelFilter). */
export const filterPatternSchema = z.strictObject({
  includes: z.array(compiles(compileFilterRegex)).optional(),
  excludes: z.array(compiles(compileFilterRegex)).optional(),
})

// An empty list would silently drop every change; leaving the key out is how to say "any".
const nonEmpty = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).min(1, `list at least one ${what}, or leave the key out to accept any`)

export const tagSources = ['Classification', 'Glossary'] as const
export const labelTypes = ['Manual', 'Propagated', 'Automated', 'Derived', 'Generated'] as const

export const channelFilterSchema = z.strictObject({
  levels: nonEmpty(z.enum(levels), 'level').optional(),
  /** FQN globs or /regex/; empty means everything, as for OpenMetadata's includes. */
  include: fqnPatterns.optional(),
  exclude: fqnPatterns.optional(),
  databaseFilterPattern: filterPatternSchema.optional(),
  schemaFilterPattern: filterPatternSchema.optional(),
  tableFilterPattern: filterPatternSchema.optional(),
  /** Match the filter patterns against the FQN up to that part instead of the raw name. */
  useFqnForFiltering: z.boolean().default(false),
  /** Classification names (for glossary terms: glossary names) whose tags the channel keeps. */
  classifications: nonEmpty(z.string().min(1), 'classification').optional(),
  tagSources: nonEmpty(z.enum(tagSources), 'tag source').optional(),
  /** A tag without a labelType counts as Manual, OpenMetadata's default. */
  labelTypes: nonEmpty(z.enum(labelTypes), 'label type').optional(),
  /** TagLabel states pushed, adds and removes alike; absent: Confirmed only (a label without a state is confirmed). */
  tagStates: nonEmpty(z.enum(tagStates), 'tag state').optional(),
  /** Catalog users whose edits the channel takes; a change with no known user is dropped. */
  users: nonEmpty(z.string().min(1), 'user').optional(),
  ownerTypes: nonEmpty(z.enum(['user', 'team']), 'owner type').optional(),
})

export type ChannelFilter = z.infer<typeof channelFilterSchema>
export type FilterPattern = z.infer<typeof filterPatternSchema>
