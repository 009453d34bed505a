import type { DatabaseInput, TableInput } from '@aws-sdk/client-glue'

/**
 * Glue's whole-object inputs in their JSON wire form (timestamps as epoch seconds), the form a
 * statement body holds and a plan shows. UpdateTable and UpdateDatabase replace the whole object,
 * so an input is always a copy of everything the read returned that the input can carry: a field
 * left out is a field erased.
 */
export type GlueJson = { [key: string]: unknown }

/** A Glue column (StorageDescriptor.Columns[] and PartitionKeys[]). */
export interface GlueColumn {
  Name: string
  Type?: string
  Comment?: string
  Parameters?: Record<string, string>
  [key: string]: unknown
}

/**
 * Every member of TableInput, exactly: GetTable's other fields (DatabaseName, CreateTime,
 * UpdateTime, CreatedBy, CatalogId, VersionId, IsRegisteredWithLakeFormation, IsMultiDialectView,
 * Status, ...) are read-only and must not be sent. The compile-time check below fails when an SDK
 * upgrade adds a member, so a new field is never silently dropped.
 */
export const tableInputKeys = [
  'Name',
  'Description',
  'Owner',
  'LastAccessTime',
  'LastAnalyzedTime',
  'Retention',
  'StorageDescriptor',
  'PartitionKeys',
  'ViewOriginalText',
  'ViewExpandedText',
  'TableType',
  'Parameters',
  'TargetTable',
  'FederatedTable',
  'ViewDefinition',
] as const satisfies readonly (keyof TableInput)[]

/** Every member of DatabaseInput (GetDatabase adds CreateTime and CatalogId, both read-only). */
export const databaseInputKeys = ['Name', 'Description', 'LocationUri', 'Parameters', 'CreateTableDefaultPermissions', 'TargetDatabase', 'FederatedDatabase'] as const satisfies readonly (keyof DatabaseInput)[]

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : { missing: Exclude<All, Listed> }
const tableKeysComplete: Exhaustive<keyof TableInput, (typeof tableInputKeys)[number]> = true
const databaseKeysComplete: Exhaustive<keyof DatabaseInput, (typeof databaseInputKeys)[number]> = true
void tableKeysComplete
void databaseKeysComplete

/** TableInput's timestamps: Date objects in the SDK, epoch seconds on the wire and in statements. */
export const tableInputTimestamps = ['LastAccessTime', 'LastAnalyzedTime'] as const

/** The input a read object (SDK form or wire form) can be sent back as: its input members, deep-copied, timestamps as epoch seconds. */
export function inputOf(read: object, keys: readonly string[]): GlueJson {
  const out: GlueJson = {}
  const record = read as Record<string, unknown>
  for (const key of keys) {
    const value = record[key]
    if (value === undefined || value === null) continue
    out[key] = value instanceof Date ? value.getTime() / 1000 : structuredClone(value)
  }
  return out
}

export const tableInputOf = (table: object): GlueJson => inputOf(table, tableInputKeys)
export const databaseInputOf = (database: object): GlueJson => inputOf(database, databaseInputKeys)

/** The SDK form of a wire-form TableInput: the timestamps back to Date objects. */
export function sdkTableInput(input: GlueJson): TableInput {
  const out: Record<string, unknown> = { ...input }
  for (const key of tableInputTimestamps) if (typeof out[key] === 'number') out[key] = new Date((out[key] as number) * 1000)
  return out as unknown as TableInput
}

/** The table's columns and partition keys, in order, with where each sits. */
export function columnsOf(input: GlueJson): { column: GlueColumn; partition: boolean }[] {
  const storage = input.StorageDescriptor as { Columns?: GlueColumn[] } | undefined
  const columns = (storage?.Columns ?? []).map((column) => ({ column, partition: false }))
  const keys = ((input.PartitionKeys as GlueColumn[] | undefined) ?? []).map((column) => ({ column, partition: true }))
  return [...columns, ...keys]
}
