import type { StateSnapshot } from '../connectors/connector.js'
import { toRevmetaError, type RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from '../model/asset.js'
import { ambiguousColumn, columnReadings, readingText, resolveSpelling, spellingText, withoutSpelling } from '../model/column-readings.js'
import { assetFqn, parseFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'

export type ColumnResolution = { readonly op: Operation; readonly warnings: readonly string[] } | { readonly op: Operation; readonly error: RevmetaError }

/**
 * Settles which column an operation's spelled column names (model/column-readings.ts): against
 * the table's columns as read back, or, offline with nothing read back, by assuming the reading
 * the engine can hold and saying so in the operation's report.
 */
export function resolveOperationColumn(op: Operation, snapshot: StateSnapshot | undefined, nestedFields: boolean): ColumnResolution {
  const { asset } = op
  // A plain name may be a struct field's leaf (newer OpenMetadata): only engines that write nested fields read them back.
  if (asset.spelling === undefined && (!nestedFields || snapshot === undefined || asset.level !== 'column' || asset.path !== undefined || asset.exact === true)) return { op, warnings: [] }
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
    const exists = readings.filter((reading) => snapshot.has(assetFqn(reading)))
    const leaves = nestedFields ? leafFields(snapshot, asset).filter((leaf) => !exists.some((r) => assetFqn(r) === assetFqn(leaf))) : []
    const candidates = [...exists, ...leaves]
    if (candidates.length > 1) throw ambiguousColumn(asset, candidates)
    const resolved = candidates[0] ?? resolveSpelling(asset, () => false)
    return { op: withAsset(op, withoutSpelling(resolved)), warnings: [] }
  } catch (error) {
    return { op: withAsset(op, withoutSpelling(asset)), error: toRevmetaError(error) }
  }
}

const leafIndexes = new WeakMap<StateSnapshot, Map<string, AssetRef[]>>()

/** The struct fields read back (objectType `field`) of the asset's table whose leaf name is the column as spelled. */
function leafFields(snapshot: StateSnapshot, asset: AssetRef): AssetRef[] {
  let index = leafIndexes.get(snapshot)
  if (index === undefined) {
    index = new Map()
    for (const [fqn, state] of snapshot) {
      if (state.objectType !== 'field') continue
      const [service, database, schema, table, column, ...path] = parseFqn(fqn)
      if (path.length === 0) continue
      const field: AssetRef = { level: 'column', service: service!, database: database!, schema: schema!, table: table!, column: column!, path }
      const key = leafKey(field, path.at(-1)!)
      index.set(key, [...(index.get(key) ?? []), field])
    }
    leafIndexes.set(snapshot, index)
  }
  return index.get(leafKey(asset, spellingText(asset))) ?? []
}

const leafKey = (asset: AssetRef, leaf: string) => [asset.service, asset.database, asset.schema, asset.table, leaf].join('\u0000')

function withAsset(op: Operation, asset: Operation['asset']): Operation {
  return { ...op, asset, fqn: assetFqn(asset) }
}
