import { capabilitiesOf, type LengthLimit, type NativeTag, type ObjectState, type TagDefinitions, type TagRenderer } from '../../connectors/connector.js'
import { measureLength } from '../../descriptions/fit-length.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { assetFqn } from '../../model/fqn.js'
import type { TagLabel } from '../../model/change.js'
import type { TagsOperation } from '../../model/operation.js'
import { findAmbiguousTag } from '../../tags/find-ambiguous-tag.js'
import { mapTag, type EngineTag } from '../../tags/map-tag.js'
import type { TagMapping } from '../../tags/tag-mapping-schema.js'
import type { CompiledTemplate } from '../../templates/index.js'
import type { Desired, KindContext } from './kind-context.js'
import { renderTemplate, tagTuples } from './render-template.js'
import { nestedUnsupported, unsupported } from './unsupported.js'

function mapAll(labels: readonly TagLabel[], mapping: TagMapping, dropped: string[]): EngineTag[] {
  return labels.flatMap((label) => {
    const tag = mapTag(label, mapping)
    if (!tag) dropped.push(label.tagFQN)
    return tag ? [tag] : []
  })
}

const show = (t: { key: string; value: string }) => `${t.key}=${t.value}`
/** Tags set on the object itself, not inherited from a parent. */
const direct = (t: { inherited?: boolean }) => t.inherited !== true

/** A template that reads tag_key or tag_value runs once per tag; one that only reads {tags}, once per operation. */
function perTag(template: CompiledTemplate): boolean {
  return template.variables.has('tag_key') || template.variables.has('tag_value')
}

/**
 * Tags go through the channel's templates when it has any, else through the dialect's native tag
 * renderer, after the channel's tag mapping either way.
 */
export function describeTags({ op, dialect, channel, state }: KindContext<TagsOperation>): Desired {
  const { tags: added, tagsRemoved: removed } = channel.compiled
  const templated = added !== undefined || removed !== undefined
  const caps = capabilitiesOf(dialect)
  if (!templated && !caps.tagLevels.includes(op.asset.level)) {
    throw unsupported(op, `${dialect.name} has no native tags${caps.tagLevels.length > 0 ? ` at ${op.asset.level} level` : ''}; a tags template can write them elsewhere`, dialect)
  }
  if (op.asset.path !== undefined && !caps.nestedFieldKinds?.includes('tags')) throw nestedUnsupported(op, dialect.name, dialect.tags?.nestedFieldsUnsupported)
  const mapping = channel.options.tags
  const dropped: string[] = []
  // Native tags are judged in the form the engine stores them (two tags it folds together clash).
  const stored = templated ? undefined : dialect.tags?.stored
  const asStored = (tags: EngineTag[]) => (stored ? tags.map((t) => ({ ...stored(t), tagFQN: t.tagFQN })) : tags)
  const add = asStored(mapAll(op.add, mapping, dropped))
  const remove = asStored(mapAll(op.remove, mapping, dropped))
  const warnings = dropped.length > 0 ? [`not written by the channel's tag mapping: ${dropped.join(', ')}`] : []
  if (!mapping.replace) {
    const clash = findAmbiguousTag(add, remove, state?.tags?.filter(direct))
    if (clash) {
      const where = clash.where === 'source' ? 'already on the asset in the source' : 'added in the same batch'
      throw new RevmetaError('AMBIGUOUS_TAG', `Ambiguous tag on ${assetFqn(op.asset)}: ${clash.adding.tagFQN} (${show(clash.adding)}) would join ${show(clash.existing)}, ${where}; remove one in the catalog or set options.tags.replace`, {
        details: { asset: assetFqn(op.asset), key: clash.key, adding: clash.adding.tagFQN, existing: clash.existing.tagFQN ?? show(clash.existing) },
      })
    }
  }
  const value = add.map(show).join(', ') || null
  if (add.length === 0 && remove.length === 0) return { value, warnings, render: () => [], skip: 'every tag was dropped by the channel\'s tag mapping' }
  if (!templated) return nativeTags(op, dialect.tags!, add, remove, value, warnings, caps.maxTagValueLength, state?.tagDefinitions)
  if (!added && add.length > 0) warnings.push(`no tags template: added tags ${add.map(show).join(', ')} not written`)
  if (!removed && remove.length > 0) warnings.push(`no tagsRemoved template: removed tags ${remove.map(show).join(', ')} not written`)
  const run = (template: CompiledTemplate | undefined, tags: EngineTag[]) => {
    if (!template || tags.length === 0) return []
    const list = tagTuples(tags)
    return perTag(template)
      ? tags.map((t) => renderTemplate(template, op.asset, dialect, { tag_key: t.key, tag_value: t.value, tags: list }))
      : [renderTemplate(template, op.asset, dialect, { tags: list })]
  }
  return { value, warnings, render: () => [...run(added, add), ...run(removed, remove)] }
}

/**
 * The dialect renders the tags itself. In place when every added tag is on the object as read
 * back and no removed one is; the report's `current` then lists the tags read back.
 */
function nativeTags(
  op: TagsOperation,
  renderer: TagRenderer,
  add: EngineTag[],
  remove: EngineTag[],
  value: string | null,
  warnings: string[],
  limit: LengthLimit | undefined,
  tagDefinitions: TagDefinitions | undefined,
): Desired {
  const tooLong = limit === undefined ? undefined : add.find((t) => measureLength(t.value, limit.unit) > limit.max)
  if (tooLong !== undefined && limit !== undefined) {
    throw new RevmetaError('VALUE_INVALID', `Tag ${tooLong.tagFQN} on ${assetFqn(op.asset)}: its value is longer than the ${limit.max} ${limit.unit} the engine keeps`, {
      details: { asset: assetFqn(op.asset), tag: tooLong.tagFQN, max: limit.max, unit: limit.unit },
    })
  }
  const has = (tags: readonly NativeTag[], t: NativeTag) => tags.some((x) => x.key === t.key && x.value === t.value)
  const read = (s: ObjectState) => {
    if (s.tags === undefined) return undefined
    const own = s.tags.filter(direct)
    const done = add.every((t) => has(own, t)) && !remove.some((t) => has(own, t))
    return done ? value : own.map(show).join(', ') || null
  }
  return { value, warnings, read, render: (objectType, definition) => renderer.render({ asset: op.asset, objectType, definition, ...(tagDefinitions !== undefined ? { tagDefinitions } : {}) }, { add, remove }) }
}

