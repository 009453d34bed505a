import { isDeepStrictEqual } from 'node:util'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { columnsOf, type GlueColumn, type GlueJson } from './athena-glue-input.js'

/**
 * One field revmeta writes in a Glue input: a top-level text field, a parameter, or a column's
 * comment or parameter (the column found by name among the columns and the partition keys).
 */
export type FieldPath = readonly ['Description' | 'Owner'] | readonly ['Parameters', string] | readonly ['column', string, 'Comment'] | readonly ['column', string, 'Parameters', string]

/** Set a field to `value`, or remove it (`value` undefined); `was` is what the read held. */
export interface FieldChange {
  readonly path: FieldPath
  readonly value: string | undefined
  readonly was?: string | undefined
}

function columnNamed(input: GlueJson, name: string): GlueColumn | undefined {
  return columnsOf(input).find(({ column }) => column.Name === name)?.column
}

/** The value at a path; undefined when the field, or the column holding it, is absent. */
export function valueAt(input: GlueJson, path: FieldPath): string | undefined {
  return valueIn(input, path, (name) => columnNamed(input, name))
}

function valueIn(input: GlueJson, path: FieldPath, column: (name: string) => GlueColumn | undefined): string | undefined {
  if (path[0] === 'column') {
    const found = column(path[1])
    const value = path[2] === 'Comment' ? found?.Comment : found?.Parameters?.[path[3]!]
    return typeof value === 'string' ? value : undefined
  }
  const value = path[0] === 'Parameters' ? (input.Parameters as Record<string, string> | undefined)?.[path[1]] : input[path[0]]
  return typeof value === 'string' ? value : undefined
}

/** valueAt for many paths of one input: its columns looked up by name once, not once per path. */
function valuesOf(input: GlueJson): (path: FieldPath) => string | undefined {
  const byName = new Map(columnsOf(input).map(({ column }) => [column.Name, column]))
  return (path) => valueIn(input, path, (name) => byName.get(name))
}

function withField<T extends object>(holder: T, key: string, value: string | undefined): T {
  const out = { ...holder } as Record<string, unknown>
  if (value === undefined) delete out[key]
  else out[key] = value
  return out as T
}

function withParameter<T extends { Parameters?: Record<string, string> }>(holder: T, key: string, value: string | undefined): T {
  if (value === undefined && holder.Parameters?.[key] === undefined) return holder
  return { ...holder, Parameters: withField(holder.Parameters ?? {}, key, value) }
}

/**
 * One field set in a copy of `input` that shares every part it does not change (inputs are never
 * changed in place, so a table's many column operations do not each copy the whole table). A
 * column that is not there is OBJECT_NOT_FOUND: nothing is invented.
 */
function withChange(input: GlueJson, path: FieldPath, value: string | undefined): GlueJson {
  if (path[0] === 'Parameters') return withParameter(input as { Parameters?: Record<string, string> }, path[1], value) as GlueJson
  if (path[0] !== 'column') return withField(input, path[0], value)
  const change = (column: GlueColumn): GlueColumn => (path[2] === 'Comment' ? withField(column, 'Comment', value) : withParameter(column, path[3]!, value))
  const storage = input.StorageDescriptor as { Columns?: GlueColumn[] } | undefined
  const at = storage?.Columns?.findIndex((column) => column.Name === path[1]) ?? -1
  if (at >= 0) return { ...input, StorageDescriptor: { ...storage, Columns: storage!.Columns!.map((column, i) => (i === at ? change(column) : column)) } }
  const keys = input.PartitionKeys as GlueColumn[] | undefined
  const key = keys?.findIndex((column) => column.Name === path[1]) ?? -1
  if (key >= 0) return { ...input, PartitionKeys: keys!.map((column, i) => (i === key ? change(column) : column)) }
  throw new RevmetaError('OBJECT_NOT_FOUND', `Table ${JSON.stringify(input.Name)} has no column ${JSON.stringify(path[1])} in Glue`, { details: { table: String(input.Name), column: path[1] } })
}

/** A copy of `input` with the changes made; the input itself is left as it was. */
export function applyChanges(input: GlueJson, changes: readonly FieldChange[]): GlueJson {
  let out = input
  for (const change of changes) out = withChange(out, change.path, change.value)
  return out === input ? { ...input } : out
}

const byName = (input: GlueJson) => new Map(columnsOf(input).map(({ column }) => [column.Name, column]))
const parameterKeys = (holder: { Parameters?: Record<string, string> } | undefined) => Object.keys(holder?.Parameters ?? {})

/**
 * Every field revmeta may write that can differ between two inputs, by path. A part the two share
 * (the same object: a copy made by applyChanges) cannot differ and is skipped, so telling one
 * column's change from a wide table costs one pass, not one per column.
 */
function writablePaths(base: GlueJson, next: GlueJson): FieldPath[] {
  const paths: FieldPath[] = [['Description'], ['Owner']]
  if (base.Parameters !== next.Parameters) {
    for (const key of new Set([...parameterKeys(base as { Parameters?: Record<string, string> }), ...parameterKeys(next as { Parameters?: Record<string, string> })])) paths.push(['Parameters', key])
  }
  const [before, after] = [byName(base), byName(next)]
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(name) === after.get(name)) continue
    paths.push(['column', name, 'Comment'])
    for (const key of new Set([...parameterKeys(before.get(name)), ...parameterKeys(after.get(name))])) paths.push(['column', name, 'Parameters', key])
  }
  return paths
}

/**
 * What a statement changes: the writable fields where `next` differs from the `base` it was made
 * from. Anything else differing means `next` was not made from `base` (another read), so the
 * change cannot be told apart from the rest: that is refused, never guessed.
 */
export function changesBetween(base: GlueJson, next: GlueJson): FieldChange[] {
  const [before, after] = [valuesOf(base), valuesOf(next)]
  const changes = writablePaths(base, next).flatMap((path) => {
    const was = before(path)
    const value = after(path)
    return was === value ? [] : [{ path, value, was }]
  })
  if (!isDeepStrictEqual(applyChanges(base, changes), next)) {
    throw new RevmetaError('CONCURRENT_MODIFICATION', `The request for ${JSON.stringify(next.Name)} was not made from the read this client holds, so its change cannot be carried onto a fresh read`, {
      retryable: true,
      details: { object: String(next.Name) },
    })
  }
  return changes
}

/**
 * Carries changes onto a fresh read (after another writer's update): every field set as the
 * catalog wants it, but a field is removed only while it still holds what was read before,
 * so a value another writer put there meanwhile is never taken away.
 */
export function rebaseChanges(fresh: GlueJson, changes: readonly FieldChange[]): GlueJson {
  return applyChanges(
    fresh,
    changes.filter((change) => change.value !== undefined || valueAt(fresh, change.path) === change.was),
  )
}

/**
 * The changed fields alone, shaped as the input holds them, for an offline plan: `null` is a
 * field removed. Offline nothing says whether a column is a partition key, so columns are shown
 * under StorageDescriptor.Columns; at apply time each is changed wherever the table holds it.
 */
export function changedFields(name: string, changes: readonly FieldChange[]): GlueJson {
  const out: GlueJson = { Name: name }
  const columns = new Map<string, GlueJson>()
  const shown = (value: string | undefined) => value ?? null
  for (const { path, value } of changes) {
    if (path[0] === 'Description' || path[0] === 'Owner') out[path[0]] = shown(value)
    else if (path[0] === 'Parameters') ((out.Parameters ??= {}) as GlueJson)[path[1]] = shown(value)
    else if (path[0] === 'column') {
      const name = path[1]
      const column = columns.get(name) ?? { Name: name }
      columns.set(name, column)
      if (path[2] === 'Comment') column.Comment = shown(value)
      else ((column.Parameters ??= {}) as GlueJson)[path[3]] = shown(value)
    }
  }
  if (columns.size > 0) out.StorageDescriptor = { Columns: [...columns.values()] }
  return out
}
