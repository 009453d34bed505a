import type { StateSnapshot } from '../connectors/connector.js'
import { toRevmetaError, type RevmetaError } from '../errors/revmeta-error.js'
import { columnReadings, readingText, resolveSpelling, spellingText, withoutSpelling } from '../model/column-readings.js'
import { assetFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'

export type ColumnResolution = { readonly op: Operation; readonly warnings: readonly string[] } | { readonly op: Operation; readonly error: RevmetaError }

/**
 * Settles which column an operation's spelled column names (model/column-readings.ts): against
 * the table's columns as read back, or, offline with nothing read back, by assuming the reading
 * the engine can hold and saying so in the operation's report.
 */
export function resolveOperationColumn(op: Operation, snapshot: StateSnapshot | undefined, nestedFields: boolean): ColumnResolution {
  const { asset } = op
  if (asset.spelling === undefined) return { op, warnings: [] }
  const readings = columnReadings(asset)
  if (snapshot === undefined) {
    // Every part a name (a nested field) where the engine has nested fields to write; elsewhere
    // the only reading it could hold: one column whose name holds the dots.
    const assumed = nestedFields ? withoutSpelling(asset) : readings.find((r) => r.path === undefined)!
    const others = readings.filter((r) => assetFqn(r) !== assetFqn(assumed)).map(readingText)
    const why = `offline, nothing read back: the column spelled ${JSON.stringify(spellingText(asset))} was taken as ${readingText(assumed)}${others.length > 0 ? `; it may also be ${others.join(' or ')}` : ''}`
    return { op: withAsset(op, assumed), warnings: [why] }
  }
  try {
    const resolved = resolveSpelling(asset, (reading) => snapshot.has(assetFqn(reading)))
    return { op: withAsset(op, withoutSpelling(resolved)), warnings: [] }
  } catch (error) {
    return { op: withAsset(op, withoutSpelling(asset)), error: toRevmetaError(error) }
  }
}

function withAsset(op: Operation, asset: Operation['asset']): Operation {
  return { ...op, asset, fqn: assetFqn(asset) }
}
