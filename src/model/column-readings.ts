import { RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from './asset.js'
import { columnAsset } from './asset-from-fqn.js'
import { assetFqn } from './fqn.js'

/**
 * OpenMetadata spells one column several ways (docs/openmetadata-names.md): description fields
 * quote a name holding a dot (`columns."a.b".description`), tag fields join with plain dots
 * (`columns.a.b.tags`, EntityUtil.getFieldName), older versions send a nested field's full path
 * (`columns.customer.address.description`), newer ones its leaf name only. A spelling with
 * unquoted dots therefore has several readings: column `a.b`, or field `b` of struct column `a`.
 * Until the table's real columns say which, the asset carries the spelling and its default
 * reading (every part a name: the nested field), and the planner resolves it.
 */

/** A column asset from the parts of its spelling, split at every unquoted dot. */
export function spelledColumnAsset(table: AssetRef, parts: readonly string[]): AssetRef {
  const [column, ...path] = parts
  const top = columnAsset(table, column ?? '')
  if (path.length === 0) return top
  if (path.some((p) => p.length === 0)) return columnAsset(table, parts.join('.'))
  return { ...top, path, spelling: [...parts] }
}

/** Readings past this many parts are not enumerated (2^(n-1) of them): only "one name" and "every part a name". */
const maxEnumeratedParts = 10

/** Every asset the spelling can name: each grouping of consecutive parts into dotted names, the first the column, the rest its nested path. */
export function columnReadings(asset: AssetRef): AssetRef[] {
  const parts = asset.spelling
  if (parts === undefined || parts.length < 2) return [withoutSpelling(asset)]
  const groupings = parts.length > maxEnumeratedParts ? [[parts.join('.')], [...parts]] : groupingsOf(parts)
  return groupings.map(([column, ...path]) => readingOf(asset, column!, path))
}

function groupingsOf(parts: readonly string[]): string[][] {
  const out: string[][] = []
  // Bit i set: a dot between part i and i+1 separates two names; clear: it sits inside one name.
  for (let mask = 0; mask < 2 ** (parts.length - 1); mask++) {
    const names: string[] = [parts[0]!]
    for (let i = 1; i < parts.length; i++) {
      if (mask & (1 << (i - 1))) names.push(parts[i]!)
      else names[names.length - 1] += `.${parts[i]!}`
    }
    out.push(names)
  }
  return out
}

function readingOf(asset: AssetRef, column: string, path: readonly string[]): AssetRef {
  const { spelling: _spelling, path: _path, ...rest } = asset
  return path.length === 0 ? { ...rest, column } : { ...rest, column, path }
}

/** The asset without its spelling: the reading it holds. */
export function withoutSpelling(asset: AssetRef): AssetRef {
  if (asset.spelling === undefined) return asset
  const { spelling: _spelling, ...rest } = asset
  return rest
}

/** How a spelling reads for people: `a.b.c`. */
export function spellingText(asset: AssetRef): string {
  return (asset.spelling ?? [asset.column ?? '', ...(asset.path ?? [])]).join('.')
}

/** What a reading means, for reports: `column "a.b"` or `field "c" of column "a" (path a.b.c)`. */
export function readingText(asset: AssetRef): string {
  if (asset.path === undefined || asset.path.length === 0) return `column ${JSON.stringify(asset.column)}`
  return `nested field ${JSON.stringify(asset.path.join('.'))} of column ${JSON.stringify(asset.column)}`
}

/**
 * Resolves a spelled column against the columns that exist. One reading exists: that asset.
 * None: the default reading, unchanged (the planner reports it missing). Several: a
 * COLUMN_AMBIGUOUS error naming them, for this change alone.
 */
export function resolveSpelling(asset: AssetRef, exists: (reading: AssetRef) => boolean): AssetRef {
  if (asset.spelling === undefined) return asset
  const found = columnReadings(asset).filter(exists)
  if (found.length === 1) return found[0]!
  if (found.length === 0) return asset
  throw ambiguousColumn(asset, found)
}

export function ambiguousColumn(asset: AssetRef, readings: readonly AssetRef[]): RevmetaError {
  const spelled = spellingText(asset)
  return new RevmetaError(
    'COLUMN_AMBIGUOUS',
    `The column spelled ${JSON.stringify(spelled)} names ${readings.length} columns of the table: ${readings.map(readingText).join(', and ')}`,
    { details: { asset: assetFqn(withoutSpelling(asset)), spelling: spelled, readings: readings.map((r) => assetFqn(r)).join(' | ') } },
  )
}
