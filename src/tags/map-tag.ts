import { parseFqn } from '../model/fqn.js'
import type { TagLabel } from '../model/change.js'
import type { TagMapping } from './tag-mapping-schema.js'

/** A tag as an engine stores it. */
export interface EngineTag {
  readonly key: string
  readonly value: string
  /** The catalog label it came from, for messages. */
  readonly tagFQN: string
}

function transform(text: string, mapping: TagMapping, max: number | undefined): string {
  let out = mapping.case === 'lower' ? text.toLowerCase() : mapping.case === 'upper' ? text.toUpperCase() : text
  for (const r of mapping.replacements) out = out.replace(new RegExp(r.pattern, 'gu'), r.with)
  // Whole code points only: a key cut inside a surrogate pair would not round-trip.
  return max === undefined ? out : [...out].slice(0, max).join('')
}

/**
 * Classification becomes the key and the tag name the value (`PII.Sensitive` → PII = Sensitive;
 * a nested `A.B.C` → A = B.C). Undefined when the mapping drops the label (glossary terms unless
 * enabled, skipped classifications).
 */
export function mapTag(label: TagLabel, mapping: TagMapping): EngineTag | undefined {
  if (label.source === 'Glossary' && !mapping.glossary) return undefined
  const [classification, ...rest] = parseFqn(label.tagFQN)
  const rule = mapping.rules.find((r) => r.classification === classification)
  if (rule?.skip) return undefined
  const value = rest.join('.') || classification!
  return {
    key: transform(rule?.rename ?? classification!, mapping, mapping.maxKeyLength),
    value: transform(value, mapping, mapping.maxValueLength),
    tagFQN: label.tagFQN,
  }
}
