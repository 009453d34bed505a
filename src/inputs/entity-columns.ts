import type { AssetRef } from '../model/asset.js'
import { ambiguousColumn, columnReadings, resolveSpelling } from '../model/column-readings.js'
import { isRecord } from './input-errors.js'

/**
 * The columns of the table an event carries in `entity` (OpenMetadata's Table JSON: `columns`,
 * each with its `children` when it is a struct), as paths: ['customer'], ['customer', 'address'].
 * The catalog's own view of the table, at the version the event produced: what its field names
 * were built from. Undefined when the event carries no columns.
 */
export class EntityColumns {
  private readonly paths = new Set<string>()
  /** Nested fields (path length > 1) by their leaf name: what newer OpenMetadata sends alone. */
  private readonly leaves = new Map<string, string[][]>()

  private constructor(columns: readonly unknown[]) {
    this.addAll(columns, [])
  }

  static of(entity: Record<string, unknown> | undefined): EntityColumns | undefined {
    if (entity === undefined || !Array.isArray(entity.columns) || entity.columns.length === 0) return undefined
    return new EntityColumns(entity.columns)
  }

  private addAll(columns: readonly unknown[], parent: readonly string[]): void {
    for (const column of columns) {
      if (!isRecord(column) || typeof column.name !== 'string' || column.name.length === 0) continue
      const path = [...parent, column.name]
      this.paths.add(key(path))
      if (path.length > 1) {
        const list = this.leaves.get(column.name) ?? []
        list.push(path)
        this.leaves.set(column.name, list)
      }
      if (Array.isArray(column.children)) this.addAll(column.children, path)
    }
  }

  /**
   * The column `asset` names in this table: its spelling's one existing reading, or the one nested
   * field whose leaf name it is (newer OpenMetadata), never a top-level column when a nested
   * field of that name exists too: that is COLUMN_AMBIGUOUS. Unknown names stay as they are.
   */
  resolve(asset: AssetRef): AssetRef {
    const exists = (reading: AssetRef) => this.paths.has(key([reading.column ?? '', ...(reading.path ?? [])]))
    const name = [asset.column ?? '', ...(asset.path ?? [])].join('.')
    const leafOf = (this.leaves.get(asset.spelling === undefined ? (asset.column ?? '') : name) ?? []).map((path) => nestedAsset(asset, path))
    if (asset.spelling === undefined && asset.path === undefined) {
      const candidates = [...(exists(asset) ? [asset] : []), ...leafOf]
      if (candidates.length > 1) throw ambiguousColumn(asset, candidates)
      return candidates[0] ?? asset
    }
    const readings = columnReadings(asset).filter(exists)
    const candidates = [...readings, ...leafOf.filter((leaf) => !readings.some((r) => sameColumn(r, leaf)))]
    if (candidates.length > 1) throw ambiguousColumn(asset, candidates)
    return candidates[0] ?? resolveSpelling(asset, () => false)
  }
}

/** A ChangeEvent's `entity`: an object, or the same as JSON text from older servers; undefined when it is neither. */
export function entityRecord(entity: unknown): Record<string, unknown> | undefined {
  let value = entity
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      return undefined
    }
  }
  return isRecord(value) ? value : undefined
}

const key = (path: readonly string[]) => path.join('\u0000')

function nestedAsset(asset: AssetRef, [column, ...path]: readonly string[]): AssetRef {
  const { spelling: _spelling, path: _path, ...rest } = asset
  return path.length === 0 ? { ...rest, column: column! } : { ...rest, column: column!, path }
}

function sameColumn(a: AssetRef, b: AssetRef): boolean {
  return key([a.column ?? '', ...(a.path ?? [])]) === key([b.column ?? '', ...(b.path ?? [])])
}
