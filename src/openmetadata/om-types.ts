/** The subset of OpenMetadata's entity JSON that reverse metadata reads. Unknown keys pass through. */
export interface OmEntityReference {
  readonly id: string
  readonly type: string
  readonly name?: string
  readonly fullyQualifiedName?: string
  readonly displayName?: string
  readonly deleted?: boolean
}

export interface OmTagLabel {
  readonly tagFQN: string
  readonly source?: 'Classification' | 'Glossary'
  readonly labelType?: string
  readonly state?: string
  readonly name?: string
}

export interface OmColumn {
  readonly name: string
  readonly fullyQualifiedName?: string
  readonly dataType?: string
  readonly description?: string
  readonly tags?: readonly OmTagLabel[]
  readonly children?: readonly OmColumn[]
}

export interface OmEntity {
  readonly id: string
  readonly name: string
  readonly fullyQualifiedName: string
  readonly description?: string
  readonly tags?: readonly OmTagLabel[]
  readonly owners?: readonly OmEntityReference[]
  readonly columns?: readonly OmColumn[]
  readonly version?: number
  readonly updatedAt?: number
  readonly updatedBy?: string
  readonly service?: OmEntityReference
  readonly database?: OmEntityReference
  readonly databaseSchema?: OmEntityReference
  readonly [key: string]: unknown
}

export interface OmUser {
  readonly id: string
  readonly name: string
  readonly email?: string
  readonly teams?: readonly OmEntityReference[]
  readonly isBot?: boolean
}

export interface OmTeam {
  readonly id: string
  readonly name: string
  readonly email?: string
  readonly users?: readonly OmEntityReference[]
}

/** The entity types that carry reverse metadata, and their REST collections. */
export const omCollections = { database: 'databases', databaseSchema: 'databaseSchemas', table: 'tables' } as const
export type OmEntityType = keyof typeof omCollections

/** A JSON Patch operation (RFC 6902), as OpenMetadata's PATCH endpoints take them. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  readonly path: string
  readonly value?: unknown
  readonly from?: string
}
