import { capabilitiesOf, type ObjectState } from '../../connectors/connector.js'
import { fitLength } from '../../descriptions/fit-length.js'
import { markdownToPlain } from '../../descriptions/markdown-to-plain.js'
import type { DescriptionOperation } from '../../model/operation.js'
import { nestedUnsupported, unsupported } from './unsupported.js'
import type { Desired, KindContext } from './kind-context.js'
import { renderTemplate } from './render-template.js'

export function describeDescription({ op, dialect, channel }: KindContext<DescriptionOperation>): Desired {
  const caps = capabilitiesOf(dialect)
  const template = channel.compiled.description
  if (!template && !caps.descriptionLevels.includes(op.asset.level)) throw unsupported(op, `${dialect.name} has no ${op.asset.level} descriptions`, dialect)
  if (op.asset.path !== undefined && !caps.nestedFieldKinds?.includes('description')) throw nestedUnsupported(op, dialect.name, dialect.description?.nestedFieldsUnsupported)
  const warnings: string[] = []
  let text = op.description
  if (text !== null && channel.options.descriptionFormat === 'plain') text = markdownToPlain(text)
  if (text === '' && caps.emptyDescriptionIsNull) text = null
  const limit = caps.maxDescriptionLength[op.asset.level]
  if (text !== null && limit) {
    const fitted = fitLength(text, limit.max, limit.unit, channel.options.onTooLong)
    if (fitted.truncated) warnings.push(`description truncated from ${fitted.originalLength} to ${limit.max} ${limit.unit} (${dialect.name}'s limit at ${op.asset.level} level)`)
    text = fitted.text
  }
  const value = text
  if (template) {
    return { value, warnings, render: () => [renderTemplate(template, op.asset, dialect, { description: value === null ? 'NULL' : dialect.quoteLiteral(value) })] }
  }
  const read = (s: ObjectState) => (s.description === '' && caps.emptyDescriptionIsNull ? null : s.description)
  return { value, warnings, read, render: (objectType, definition) => dialect.description!.render({ asset: op.asset, objectType, definition }, value) }
}
