import { randomUUID } from 'node:crypto'

type FieldChange = { name: string; oldValue?: string; newValue?: string }

let clock = 1_763_700_000_000

/** A ChangeEvent in OpenMetadata's exact shape: list values are JSON strings, descriptions plain. */
export function changeEvent(
  entityType: string,
  fqn: string,
  changes: { added?: FieldChange[]; updated?: FieldChange[]; deleted?: FieldChange[] },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const description = { fieldsAdded: changes.added ?? [], fieldsUpdated: changes.updated ?? [], fieldsDeleted: changes.deleted ?? [], previousVersion: 0.1 }
  clock += 1000
  return {
    id: randomUUID(),
    eventType: 'entityUpdated',
    entityType,
    entityId: randomUUID(),
    entityFullyQualifiedName: fqn,
    previousVersion: 0.1,
    currentVersion: 0.2,
    userName: 'admin',
    timestamp: clock,
    changeDescription: description,
    incrementalChangeDescription: description,
    ...extra,
  }
}

export const user = (name: string) => ({ id: randomUUID(), type: 'user', name, fullyQualifiedName: name, deleted: false })
export const team = (name: string) => ({ id: randomUUID(), type: 'team', name, fullyQualifiedName: name, deleted: false })
export const tag = (tagFQN: string) => ({ tagFQN, source: 'Classification', labelType: 'Manual', state: 'Confirmed' })
export const json = (value: unknown) => JSON.stringify(value)
