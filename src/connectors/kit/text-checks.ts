import { RevmetaError } from '../../errors/revmeta-error.js'

/**
 * The checks every dialect makes before it quotes a name or a value, so that what is written can
 * be read back exactly: engines that store UTF-8 turn a lone UTF-16 surrogate into U+FFFD, most
 * cannot store a NUL, and several truncate a long name without a word.
 */

// String.prototype.isWellFormed is ES2024, past this project's TypeScript lib (ES2022).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** True when the text holds an unpaired UTF-16 surrogate (not valid Unicode). */
export function hasLoneSurrogate(text: string): boolean {
  return loneSurrogate.test(text)
}

/** Refuses a NUL (when the engine cannot store one) or a lone surrogate, naming the engine. */
export function assertStorableText(text: string, options: { engine: string; what: 'identifier' | 'value'; nul?: 'refuse' | 'allow' }): void {
  if (options.nul !== 'allow' && text.includes('\0')) {
    throw new RevmetaError('VALUE_INVALID', `The ${options.what} holds a NUL character, which ${options.engine} text cannot store`, { details: { engine: options.engine } })
  }
  if (hasLoneSurrogate(text)) {
    throw new RevmetaError('VALUE_INVALID', `The ${options.what} holds an unpaired UTF-16 surrogate, which is not valid Unicode`, { details: { engine: options.engine } })
  }
}

/**
 * Refuses a name longer than the engine allows, counted as the engine counts: UTF-8 bytes
 * (PostgreSQL's NAMEDATALEN) or characters (code points, as MySQL does).
 */
export function assertNameLength(name: string, options: { engine: string; max: number; unit: 'bytes' | 'characters' }): void {
  const length = options.unit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length
  if (length <= options.max) return
  throw new RevmetaError('NAME_TOO_LONG', `The name ${JSON.stringify(name)} is ${length} ${options.unit} long; ${options.engine} allows at most ${options.max} ${options.unit} and would not keep it as written`, {
    details: { engine: options.engine, name, length, unit: options.unit, max: options.max },
  })
}
