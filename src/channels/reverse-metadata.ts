import { z } from 'zod'
import { channelFilterSchema, type ChannelFilter } from './channel-filter-schema.js'

/**
 * OpenMetadata's ReverseMetadata pipeline (metadataIngestion/reverseMetadataPipeline.json, the
 * Reverse Metadata agent): three sync toggles, OpenMetadata's database/schema/table filter
 * patterns and useFqnForFiltering, the service, and the operations the handler fills in. Defaults
 * are the schema's. Nulls pass for absent keys, as OpenMetadata's clients serialize them.
 */
const filterPattern = z
  .looseObject({ includes: z.array(z.string()).nullish(), excludes: z.array(z.string()).nullish() })
  .transform((p) => ({ ...(p.includes ? { includes: p.includes } : {}), ...(p.excludes ? { excludes: p.excludes } : {}) }))

const entityReference = z.looseObject({ id: z.string().nullish(), type: z.string().nullish(), name: z.string().nullish(), fullyQualifiedName: z.string().nullish() })

export const reverseMetadataShape = {
  type: z.literal('ReverseMetadata'),
  syncDescriptions: z.boolean().nullish().transform((v) => v ?? true),
  syncTags: z.boolean().nullish().transform((v) => v ?? true),
  syncOwners: z.boolean().nullish().transform((v) => v ?? false),
  databaseFilterPattern: filterPattern.nullish(),
  schemaFilterPattern: filterPattern.nullish(),
  tableFilterPattern: filterPattern.nullish(),
  useFqnForFiltering: z.boolean().nullish().transform((v) => v ?? false),
  service: z.union([z.string(), entityReference]).nullish(),
  operations: z.array(z.unknown()).nullish(),
}

export const reverseMetadataSchema = z.looseObject(reverseMetadataShape)
export type ReverseMetadata = z.infer<typeof reverseMetadataSchema>

/** The service a pipeline names: a name, or an EntityReference's name or FQN (one part for a service). */
export function serviceOf(service: ReverseMetadata['service']): string | undefined {
  if (service == null) return undefined
  if (typeof service === 'string') return service
  return service.name ?? service.fullyQualifiedName ?? undefined
}

/** The pipeline's patterns as a channel filter, with their exact OpenMetadata meaning (filter-change.ts). */
export function reverseMetadataFilter(settings: ReverseMetadata): ChannelFilter {
  return channelFilterSchema.parse({
    ...(settings.databaseFilterPattern ? { databaseFilterPattern: settings.databaseFilterPattern } : {}),
    ...(settings.schemaFilterPattern ? { schemaFilterPattern: settings.schemaFilterPattern } : {}),
    ...(settings.tableFilterPattern ? { tableFilterPattern: settings.tableFilterPattern } : {}),
    useFqnForFiltering: settings.useFqnForFiltering,
  })
}

/** The same configuration as a channel: revmeta's own keys (name, services, templates, options) may sit beside OpenMetadata's. */
const reverseMetadataChannelSchema = z.strictObject({
  ...reverseMetadataShape,
  name: z.string().min(1).optional(),
  services: z.array(z.string().min(1)).optional(),
  templates: z.unknown().optional(),
  options: z.unknown().optional(),
  /** Keys revmeta adds to what OpenMetadata's filter patterns say: levels, tagStates, classifications, ... */
  filter: z.record(z.string(), z.unknown()).optional(),
})

/**
 * A `channels:` entry written as OpenMetadata's ReverseMetadata configuration (`type:
 * ReverseMetadata`), turned into revmeta's own channel form before the channel schema checks it;
 * any other entry is left as it is. docs/openmetadata.md gives the mapping key by key.
 */
export function channelFromReverseMetadata(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'ReverseMetadata') return value
  const parsed = reverseMetadataChannelSchema.safeParse(value)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
    return value
  }
  const c = parsed.data
  if (c.operations && c.operations.length > 0) {
    ctx.addIssue({ code: 'custom', message: 'a channel has no operations: OpenMetadata fills them in at run time; give them with --pipeline', path: ['operations'] })
    return value
  }
  const service = serviceOf(c.service)
  const patterns = {
    ...(c.databaseFilterPattern ? { databaseFilterPattern: c.databaseFilterPattern } : {}),
    ...(c.schemaFilterPattern ? { schemaFilterPattern: c.schemaFilterPattern } : {}),
    ...(c.tableFilterPattern ? { tableFilterPattern: c.tableFilterPattern } : {}),
  }
  return {
    name: c.name ?? (service ? `reverse-metadata-${service}` : 'reverse-metadata'),
    ...(c.services ? { services: c.services } : service ? { services: [service] } : {}),
    sync: { descriptions: c.syncDescriptions, tags: c.syncTags, owners: c.syncOwners },
    filter: { ...c.filter, ...patterns, useFqnForFiltering: c.useFqnForFiltering },
    ...(c.templates === undefined ? {} : { templates: c.templates }),
    ...(c.options === undefined ? {} : { options: c.options }),
  }
}
