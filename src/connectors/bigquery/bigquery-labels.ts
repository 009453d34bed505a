import { RevmetaError } from '../../errors/revmeta-error.js'
import type { NativeTag } from '../connector.js'

/**
 * BigQuery's label rules: keys 1–63 characters starting with a lowercase or international letter,
 * values 0–63 characters, both only lowercase letters, international letters, digits, `_` and `-`.
 * The mapping keeps every allowed character as it is (so `pii=sensitive` is its own label) and
 * changes only what BigQuery cannot hold: capitals are lowered, every other character becomes `_`.
 * It is not one-to-one, so two tags that land on one key are refused as ambiguous, never merged.
 */
export const maxLabelLength = 63

// Lowercase and caseless (international) letters, combining marks, digits, `_` and `-`.
const allowed = /[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]/u
const startsLikeKey = /^[\p{Ll}\p{Lo}]/u

/** One label part as BigQuery can hold it (not yet checked for length). */
export function labelText(text: string): string {
  return [...text.toLowerCase()].map((ch) => (allowed.test(ch) ? ch : '_')).join('')
}

function refuse(what: string, text: string, mapped: string, why: string): RevmetaError {
  return new RevmetaError('LABEL_INVALID', `${what} ${JSON.stringify(text)} cannot be a BigQuery label (${why}; mapped: ${JSON.stringify(mapped)})`, {
    details: { engine: 'bigquery', [what.toLowerCase().replace(/ .*/, '')]: text, mapped },
  })
}

/** The label a tag becomes: classification → key, tag → value; refused when BigQuery cannot hold it. */
export function labelOf(tag: NativeTag): NativeTag {
  const key = labelText(tag.key)
  const value = labelText(tag.value)
  if (key.length === 0 || [...key].length > maxLabelLength) throw refuse('Label key', tag.key, key, `a key holds 1 to ${maxLabelLength} characters`)
  if (!startsLikeKey.test(key)) throw refuse('Label key', tag.key, key, 'a key starts with a lowercase or international letter')
  if ([...value].length > maxLabelLength) throw refuse('Label value', tag.value, value, `a value holds at most ${maxLabelLength} characters`)
  return { key, value }
}

/** A principal as the value of the owner label: it must already be a valid label value (use the service's owners mapping). */
export function ownerLabelValue(principal: string): string {
  const value = labelText(principal)
  if (value !== principal || [...value].length > maxLabelLength) {
    throw refuse('Owner', principal, value, `a label value holds at most ${maxLabelLength} lowercase letters, digits, _ and -; map owners to such names with the service's owners mapping (strategy: email-local-part, case: lower, or map)`)
  }
  return value
}
