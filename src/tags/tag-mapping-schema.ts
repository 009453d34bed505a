import { z } from 'zod'

/** One rule: how a classification (and its tags) is written to the engine. */
const ruleSchema = z.strictObject({
  /** The classification (or glossary) name as in the catalog. */
  classification: z.string().min(1),
  /** The tag key to write instead of the classification name. */
  rename: z.string().min(1).optional(),
  /** Drop tags of this classification altogether. */
  skip: z.boolean().default(false),
})

const replacementSchema = z.strictObject({
  /** A regular expression (JavaScript syntax, global) of characters the engine does not accept. */
  pattern: z.string().refine((p) => {
    try {
      new RegExp(p, 'gu')
      return true
    } catch {
      return false
    }
  }, 'not a valid regular expression'),
  with: z.string().default('_'),
})

/** How catalog tags become engine key/value tags: classification → key, tag name → value, as OpenMetadata maps them. */
export const tagMappingSchema = z
  .strictObject({
    /** Adding a tag whose classification already has another tag on the asset replaces it instead of failing AMBIGUOUS_TAG. */
    replace: z.boolean().default(false),
    /** Also write glossary terms (glossary name → key, term → value). */
    glossary: z.boolean().default(false),
    rules: z.array(ruleSchema).default([]),
    case: z.enum(['preserve', 'lower', 'upper']).default('preserve'),
    /** Applied to keys and values in order, after renaming and case. */
    replacements: z.array(replacementSchema).default([]),
    maxKeyLength: z.number().int().positive().optional(),
    maxValueLength: z.number().int().positive().optional(),
  })
  .prefault({})

export type TagMapping = z.infer<typeof tagMappingSchema>
