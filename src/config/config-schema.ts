import { z } from 'zod'
import { channelFilterSchema } from '../channels/channel-filter-schema.js'
import { channelOptionsSchema, channelTemplatesSchema } from '../channels/channel-options-schema.js'

const name = z.string().min(1)

/** How a catalog owner (user or team) becomes a principal of the engine. */
export const ownerMappingSchema = z
  .strictObject({
    /** name: the owner's catalog name; email-local-part: the part before '@' of its e-mail (or of its name when that is an e-mail); map: only the explicit map. */
    strategy: z.enum(['name', 'email-local-part', 'map']).default('name'),
    /** Explicit entries win over the strategy. Keys: a user or team name, or `user:<name>` / `team:<name>`. */
    map: z.record(z.string(), name).default({}),
    /** Engines fold unquoted names to lower case; catalog names often carry capitals. */
    case: z.enum(['preserve', 'lower']).default('preserve'),
  })
  .prefault({})

export const serviceSchema = z.strictObject({
  /** The catalog's database service name: the first part of every FQN. */
  name,
  /** Connector name, e.g. postgres, redshift, pglite. */
  type: name,
  /** Validated by the connector's own schema once the type is known. */
  connection: z.record(z.string(), z.unknown()).default({}),
  owners: ownerMappingSchema,
})

export const syncSchema = z
  .strictObject({
    descriptions: z.boolean().default(true),
    tags: z.boolean().default(true),
    owners: z.boolean().default(false),
  })
  .prefault({})

export const channelSchema = z.strictObject({
  name,
  /** Services this channel writes to; all services when absent. */
  services: z.array(name).optional(),
  filter: channelFilterSchema.optional(),
  /** OpenMetadata's defaults: descriptions and tags on, owners off. */
  sync: syncSchema,
  templates: channelTemplatesSchema,
  options: channelOptionsSchema,
})

export const configSchema = z.strictObject({
  catalog: z
    .strictObject({
      type: z.enum(['builtin', 'openmetadata']).default('builtin'),
      url: z.string().optional(),
      token: z.string().optional(),
      webhookSecret: z.string().optional(),
    })
    .prefault({}),
  store: z.strictObject({ url: z.string().optional() }).optional(),
  services: z.array(serviceSchema).min(1, 'at least one service is required'),
  channels: z.array(channelSchema).optional(),
})

export type RawConfig = z.infer<typeof configSchema>
export type OwnerMapping = z.infer<typeof ownerMappingSchema>
export type ChannelConfig = z.infer<typeof channelSchema>
