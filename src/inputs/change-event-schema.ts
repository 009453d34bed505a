import { z } from 'zod'

/**
 * OpenMetadata's ChangeEvent (type/changeEvent.json) and the pieces revmeta reads from it.
 * Deliberately lenient: OpenMetadata versions differ in which keys they send, send null for absent
 * values, and some proxies re-serialize values, so unknown keys pass and values stay `unknown`
 * until the normalizer knows which field they belong to.
 */

const optionalString = z.string().nullish()

/** Epoch milliseconds; some relays turn longs into strings. */
const epochMillis = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish()

/** One entry of fieldsAdded / fieldsUpdated / fieldsDeleted. Values are JSON strings, or already parsed. */
export const fieldChangeSchema = z.looseObject({
  name: z.string().min(1),
  oldValue: z.unknown().optional(),
  newValue: z.unknown().optional(),
})
export type FieldChange = z.infer<typeof fieldChangeSchema>

export const changeDescriptionSchema = z.looseObject({
  fieldsAdded: z.array(fieldChangeSchema).nullish(),
  fieldsUpdated: z.array(fieldChangeSchema).nullish(),
  fieldsDeleted: z.array(fieldChangeSchema).nullish(),
  previousVersion: z.number().nullish(),
})
export type ChangeDescription = z.infer<typeof changeDescriptionSchema>

export const changeEventSchema = z.looseObject({
  id: optionalString,
  eventType: z.string().min(1),
  entityType: z.string().min(1),
  entityId: optionalString,
  entityFullyQualifiedName: optionalString,
  userName: optionalString,
  timestamp: epochMillis,
  previousVersion: z.number().nullish(),
  currentVersion: z.number().nullish(),
  changeDescription: changeDescriptionSchema.nullish(),
  incrementalChangeDescription: changeDescriptionSchema.nullish(),
  /** The entity as JSON; older servers send it as a JSON string. */
  entity: z.unknown().optional(),
})
export type ChangeEvent = z.infer<typeof changeEventSchema>

/** OpenMetadata's TagLabel; only the keys a database can use are kept. */
export const tagLabelSchema = z.looseObject({
  tagFQN: z.string().min(1),
  source: z.enum(['Classification', 'Glossary']).nullish(),
  labelType: optionalString,
  state: optionalString,
  name: optionalString,
})

/**
 * An EntityReference naming an owner; only users and teams can own a data asset. entityReference.json
 * requires only `id` and `type`: a reference with neither name nor FQN is named later from the
 * catalog (owners/owner-directory.ts).
 */
export const ownerReferenceSchema = z
  .looseObject({
    type: z.string().transform((type) => type.toLowerCase()).pipe(z.enum(['user', 'team'])),
    name: optionalString,
    fullyQualifiedName: optionalString,
    displayName: optionalString,
    email: optionalString,
    id: optionalString,
  })
  .refine((ref) => Boolean(ref.name || ref.fullyQualifiedName || ref.id), { message: 'an owner needs an id, a name or a fullyQualifiedName' })
