import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'

/** The hostile values, one column of the hostile table each; keys are plain lowercase words (they name columns). */
export const hostileCases: Readonly<Record<string, string>> = {
  ...hostileBase,
  nul: 'before\u0000after',
  lonesurrogate: 'half \uD800 a pair',
  emoji: 'rocket 🚀 family 👩‍👩‍👧',
  unicode: mixedUnicode,
}
