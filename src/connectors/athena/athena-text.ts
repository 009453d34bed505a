import { RevmetaError } from '../../errors/revmeta-error.js'
import { assertStorableText } from '../kit/text-checks.js'

/** Glue's documented limits, in characters (Smithy's length counts code points). */
export const glueLimits = {
  /** Table and database Description. */
  description: 2048,
  /** Column Comment, partition keys included. */
  comment: 255,
  owner: 255,
  parameterKey: 255,
  parameterValue: 512_000,
  name: 255,
} as const

/**
 * What Glue's patterns let through: the single-line pattern `[\u0020-\uD7FF\uE000-\uFFFD
 * \uD800\uDC00-\uDBFF\uDFFF\t]*` (names, column comments, owners, parameter keys) and the
 * multi-line one that adds \r and \n (descriptions). Parameter values have no pattern.
 */
const singleLineRefused = /[\u0000-\u0008\u000A-\u001F\uFFFE\uFFFF]/
const multiLineRefused = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

type GlueText = 'description' | 'comment' | 'owner' | 'parameterKey' | 'parameter' | 'name'

const refusedBy: Readonly<Record<GlueText, RegExp | undefined>> = {
  description: multiLineRefused,
  comment: singleLineRefused,
  owner: singleLineRefused,
  parameterKey: singleLineRefused,
  name: singleLineRefused,
  parameter: undefined,
}

const limitOf: Readonly<Record<GlueText, number>> = {
  description: glueLimits.description,
  comment: glueLimits.comment,
  owner: glueLimits.owner,
  parameterKey: glueLimits.parameterKey,
  name: glueLimits.name,
  parameter: glueLimits.parameterValue,
}

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/**
 * Refuses what Glue would reject, before anything is sent: NUL and lone surrogates anywhere, line
 * breaks and other control characters where Glue's pattern has none (a column comment holds no
 * newline: Glue allows only tab), text past Glue's length. Nothing is rewritten, so what is
 * written reads back exactly.
 */
export function checkGlueText(text: string, kind: GlueText, what: string): void {
  assertStorableText(text, { engine: 'athena', what: what === 'identifier' ? 'identifier' : 'value' })
  const refused = refusedBy[kind]?.exec(text)
  if (refused) {
    const where = kind === 'comment' ? 'a Glue column comment' : kind === 'description' ? 'a Glue description' : `a Glue ${what}`
    throw new RevmetaError('VALUE_INVALID', `The ${what} holds ${codePoint(refused[0])} at position ${refused.index}, which ${where} cannot hold (Glue allows no line break or control character there but tab)`, {
      details: { engine: 'athena', character: codePoint(refused[0]), position: refused.index },
    })
  }
  const length = [...text].length
  if (length > limitOf[kind]) {
    const code = kind === 'parameterKey' || kind === 'name' ? 'NAME_TOO_LONG' : 'VALUE_TOO_LONG'
    throw new RevmetaError(code, `The ${what} is ${length} characters long; Glue allows at most ${limitOf[kind]}`, { details: { engine: 'athena', characters: length, maxCharacters: limitOf[kind] } })
  }
}
