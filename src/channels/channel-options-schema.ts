import { z } from 'zod'
import { tagMappingSchema } from '../tags/tag-mapping-schema.js'

/** Per-channel behaviour that is not routing: how values are shaped before they are written. */
export const channelOptionsSchema = z
  .strictObject({
    /** OpenMetadata descriptions are Markdown; plain turns them into readable text first. */
    descriptionFormat: z.enum(['markdown', 'plain']).default('markdown'),
    /** Over an engine's length limit: fail the operation (nothing lost silently), or truncate and report it. */
    onTooLong: z.enum(['truncate', 'fail']).default('fail'),
    tags: tagMappingSchema,
    /**
     * What `revmeta sync` does when the source differs from the catalog (drift): catalogWins
     * writes the catalog's value; report only lists it.
     */
    drift: z.enum(['catalogWins', 'report']).default('catalogWins'),
    owners: z
      .strictObject({
        /** Which owner a one-owner engine gets when the catalog lists several. */
        choose: z.enum(['first-user', 'first-team', 'first']).default('first-user'),
        /**
         * Engines that drop an object's permissions when its owner changes (SQL Server) write
         * owners only when this is true; each such change is still announced in the plan.
         */
        allowPermissionDrop: z.boolean().default(false),
      })
      .prefault({}),
  })
  .prefault({})

export type ChannelOptions = z.infer<typeof channelOptionsSchema>

/**
 * Custom SQL per kind, with Python f-string semantics. `tags` and `owners` render once per added
 * tag or owner when they use tag_key/tag_value/owner, else once per operation; the `...Removed`
 * templates render once per removed tag or owner.
 */
export const channelTemplatesSchema = z
  .strictObject({
    description: z.string().min(1).optional(),
    tags: z.string().min(1).optional(),
    tagsRemoved: z.string().min(1).optional(),
    owners: z.string().min(1).optional(),
    ownersRemoved: z.string().min(1).optional(),
  })
  .prefault({})

export type ChannelTemplates = z.infer<typeof channelTemplatesSchema>
