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
  if (path[0] === 'column') {
    const column = columnNamed(input, path[1])
    const value = path[2] === 'Comment' ? column?.Comment : column?.Parameters?.[path[3]!]
    return typeof value === 'string' ? value : undefined
  }
  const value = path[0] === 'Parameters' ? (input.Parameters as Record<string, string> | undefined)?.[path[1]] : input[path[0]]
  return typeof value === 'string' ? value : undefined
}

function setIn(holder: Record<string, unknown>, key: string, value: string | undefined): void {
  if (value === undefined) delete holder[key]
  else holder[key] = value
}

function setParameter(holder: { Parameters?: Record<string, string> }, key: string, value: string | undefined): void {
  if (value === undefined) {
    if (holder.Parameters !== undefined) delete holder.Parameters[key]
    return
  }
  holder.Parameters ??= {}
  holder.Parameters[key] = value
}

/** Sets one field in place. A column that is not there is OBJECT_NOT_FOUND: nothing is invented. */
function setAt(input: GlueJson, path: FieldPath, value: string | undefined): void {
  if (path[0] !== 'column') {
    if (path[0] === 'Parameters') setParameter(input as { Parameters?: Record<string, string> }, path[1], value)
    else setIn(input, path[0], value)
    return
  }
  const column = columnNamed(input, path[1])
  if (column === undefined) {
    throw new RevmetaError('OBJECT_NOT_FOUND', `Table ${JSON.stringify(input.Name)} has no column ${JSON.stringify(path[1])} in Glue`, { details: { table: String(input.Name), column: path[1] } })
  }
  if (path[2] === 'Comment') setIn(column, 'Comment', value)
  else setParameter(column, path[3]!, value)
}

/** A copy of `input` with the changes made; the input itself is left as it was. */
export function applyChanges(input: GlueJson, changes: readonly FieldChange[]): GlueJson {
  const out = structuredClone(input)
  for (const change of changes) setAt(out, change.path, change.value)
  return out
}

/** Every field revmeta may write in either input, by path. */
function writablePaths(...inputs: GlueJson[]): FieldPath[] {
  const paths: FieldPath[] = [['Description'], ['Owner']]
  const keys = (holder: { Parameters?: Record<string, string> } | undefined) => Object.keys(holder?.Parameters ?? {})
  const seen = new Set<string>()
  const add = (path: FieldPath) => {
    const id = JSON.stringify(path)
    if (!seen.has(id)) (seen.add(id), paths.push(path))
  }
  for (const input of inputs) {
    for (const key of keys(input as { Parameters?: Record<string, string> })) add(['Parameters', key])
    for (const { column } of columnsOf(input)) {
      add(['column', column.Name, 'Comment'])
      for (const key of keys(column)) add(['column', column.Name, 'Parameters', key])
    }
  }
  return paths
}

/**
 * What a statement changes: the writable fields where `next` differs from the `base` it was made
 * from. Anything else differing means `next` was not made from `base` (another read), so the
 * change cannot be told apart from the rest: that is refused, never guessed.
 */
export function changesBetween(base: GlueJson, next: GlueJson): FieldChange[] {
  const changes = writablePaths(base, next).flatMap((path) => {
    const was = valueAt(base, path)
    const value = valueAt(next, path)
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
