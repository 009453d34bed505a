import { RevmetaError, isRevmetaError } from '../errors/revmeta-error.js'
import { compileTemplate, type CompiledTemplate } from '../templates/index.js'
import type { ChannelTemplates } from './channel-options-schema.js'

const location = ['database', 'schema', 'table', 'column']

/**
 * The names each kind of template may read. A name outside its kind's list could never have a
 * value, so it is refused when the config loads rather than failing every operation later.
 */
export const templateVariables: Record<keyof ChannelTemplates, readonly string[]> = {
  description: [...location, 'description', 'tags'],
  tags: [...location, 'tag_key', 'tag_value', 'tags'],
  tagsRemoved: [...location, 'tag_key', 'tag_value', 'tags'],
  owners: [...location, 'owner', 'tags'],
  ownersRemoved: [...location, 'owner', 'tags'],
}

/** Host functions every template may call: quoting for the target engine. */
export const templateFunctions = ['literal', 'ident'] as const

export type CompiledTemplates = Partial<Record<keyof ChannelTemplates, CompiledTemplate>>

export function compileChannelTemplates(templates: ChannelTemplates, path: string): CompiledTemplates {
  const compiled: CompiledTemplates = {}
  for (const kind of Object.keys(templateVariables) as (keyof ChannelTemplates)[]) {
    const source = templates[kind]
    if (source === undefined) continue
    try {
      compiled[kind] = compileTemplate(source, { variables: templateVariables[kind], functions: templateFunctions })
    } catch (err) {
      if (!isRevmetaError(err)) throw err
      throw new RevmetaError(err.code, `${path}.${kind}: ${err.message}`, { details: { ...err.details, key: `${path}.${kind}` }, cause: err })
    }
  }
  return compiled
}
