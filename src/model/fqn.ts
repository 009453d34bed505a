import { RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from './asset.js'

/**
 * OpenMetadata's fully qualified names (Fqn.g4, FullyQualifiedName.quoteName): parts joined by
 * '.', a part holding a '.' wrapped in double quotes. A part holding a double quote is refused,
 * as OpenMetadata refuses it: such a name has no unambiguous FQN.
 */
export function quoteFqnPart(name: string): string {
  if (name.length === 0) throw new RevmetaError('FQN_INVALID', 'A name in a fully qualified name cannot be empty')
  if (name.includes('"')) {
    throw new RevmetaError('NAME_HAS_QUOTE', `The name ${JSON.stringify(name)} holds a double quote, which OpenMetadata does not allow in a fully qualified name`, { details: { name } })
  }
  return name.includes('.') ? `"${name}"` : name
}

export function buildFqn(parts: readonly string[]): string {
  return parts.map(quoteFqnPart).join('.')
}

/** Splits an FQN into raw names. Quotes around a part without a dot are dropped, as OpenMetadata does. */
export function parseFqn(fqn: string): string[] {
  const parts: string[] = []
  let i = 0
  const fail = (why: string): never => {
    throw new RevmetaError('FQN_INVALID', `Invalid fully qualified name ${JSON.stringify(fqn)}: ${why}`, { details: { fqn } })
  }
  if (fqn.length === 0) fail('it is empty')
  while (i <= fqn.length) {
    let part: string
    if (fqn[i] === '"') {
      const close = fqn.indexOf('"', i + 1)
      if (close < 0) fail(`the quote at position ${i} is never closed`)
      part = fqn.slice(i + 1, close)
      i = close + 1
      if (i < fqn.length && fqn[i] !== '.') fail(`a quoted name must be followed by '.' (position ${i})`)
    } else {
      const dot = fqn.indexOf('.', i)
      const end = dot < 0 ? fqn.length : dot
      part = fqn.slice(i, end)
      if (part.includes('"')) {
        throw new RevmetaError('NAME_HAS_QUOTE', `Invalid fully qualified name ${JSON.stringify(fqn)}: the name ${JSON.stringify(part)} holds a double quote`, { details: { fqn, name: part } })
      }
      i = end
    }
    if (part.length === 0) fail('it has an empty name')
    parts.push(part)
    if (i >= fqn.length) break
    i += 1 // skip the '.'
    if (i === fqn.length) fail('it ends with a dot')
  }
  return parts
}

// FQNs are joined, not concatenated: `+` makes a rope (a V8 cons string), and a Map keyed by
// ropes was measured several times slower to look up than one keyed by flat strings, which is
// what join makes. Read-back snapshots and plans hold tens of thousands of these keys.

/** The canonical FQN of an asset: also its key in maps and reports. */
export function assetFqn(asset: AssetRef): string {
  const parts = [quoteFqnPart(asset.service), quoteFqnPart(asset.database)]
  if (asset.schema !== undefined) parts.push(quoteFqnPart(asset.schema))
  if (asset.table !== undefined) parts.push(quoteFqnPart(asset.table))
  if (asset.column !== undefined) parts.push(quoteFqnPart(asset.column))
  return parts.join('.')
}

/** The FQN of a child object from its parent's FQN, e.g. a column's from its table's. */
export function childFqn(parentFqn: string, name: string): string {
  return [parentFqn, quoteFqnPart(name)].join('.')
}
