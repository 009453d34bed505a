import type { ObjectTarget, ObjectType } from '../connector.js'

/**
 * Where a field inside a STRUCT column sits, as read back: the relation's type (ALTER TABLE
 * reaches only tables' fields) and the field's address as Databricks' ALTER COLUMN takes it,
 * column first, `element` stepping into an array's elements (OpenMetadata's path skips those).
 * Carried in the field's ObjectState.definition as JSON.
 */
export interface FieldDefinition {
  readonly relation: ObjectType
  /** null: the step into an array's elements (the `element` keyword, never a quoted name). */
  readonly address: readonly (string | null)[]
}

export function fieldDefinition(relation: ObjectType, address: readonly (string | null)[]): string {
  return JSON.stringify({ relation, address })
}

/** The target's field definition as read back; offline, a table whose field sits at the plain path (structs inside structs). */
export function readFieldDefinition(target: ObjectTarget): FieldDefinition {
  const { asset, definition } = target
  if (definition !== undefined && definition.startsWith('{')) {
    const parsed = JSON.parse(definition) as Partial<FieldDefinition>
    if (typeof parsed.relation === 'string' && Array.isArray(parsed.address)) return { relation: parsed.relation, address: parsed.address.map((step) => (step === null ? null : String(step))) }
  }
  return { relation: definition ?? 'table', address: [asset.column ?? '', ...(asset.path ?? [])] }
}
