import { RevmetaError } from '../errors/revmeta-error.js'

export type LengthUnit = 'characters' | 'bytes' | 'utf16-bytes'

export interface FittedText {
  readonly text: string
  readonly truncated: boolean
  /** Length of the input in `unit`. */
  readonly originalLength: number
}

const ellipsis = '…'
const encoder = new TextEncoder()
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Engines count code points (MySQL's characters), UTF-8 bytes, or UTF-16 bytes (SQL Server's nvarchar). */
export function measureLength(text: string, unit: LengthUnit): number {
  if (unit === 'bytes') return encoder.encode(text).length
  if (unit === 'utf16-bytes') return text.length * 2
  let count = 0
  for (const _ of text) count++
  return count
}

/**
 * Fits text into an engine's limit. Truncation cuts between grapheme clusters, so an emoji ZWJ
 * sequence or a letter with its combining marks is kept whole or dropped whole, and ends with '…'
 * counted within the limit.
 */
export function fitLength(text: string, max: number, unit: LengthUnit, onTooLong: 'truncate' | 'fail'): FittedText {
  const originalLength = measureLength(text, unit)
  if (originalLength <= max) return { text, truncated: false, originalLength }
  if (onTooLong === 'fail') {
    throw new RevmetaError(
      'VALUE_TOO_LONG',
      `The text is ${originalLength} ${unit} long; the limit is ${max} ${unit}`,
      { details: { length: originalLength, max, unit } },
    )
  }
  const budget = max - measureLength(ellipsis, unit)
  // A limit too small for the ellipsis itself leaves nothing that could honestly be written.
  if (budget < 0) return { text: '', truncated: true, originalLength }
  let kept = ''
  let used = 0
  for (const { segment } of segmenter.segment(text)) {
    const size = measureLength(segment, unit)
    if (used + size > budget) break
    kept += segment
    used += size
  }
  // Whitespace right before the ellipsis reads as a dangling gap: "word …".
  return { text: kept.trimEnd() + ellipsis, truncated: true, originalLength }
}
