import { RevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from './asset.js'

/**
 * OpenMetadata's fully qualified names: parts joined by '.'. What OpenMetadata writes
 * (FullyQualifiedName.quoteName) and what its grammar reads (Fqn.g4) have changed over versions,
 * so the parser takes every form they produce and the builder writes the one today's OpenMetadata
 * writes (docs/openmetadata-names.md):
 *
 * - a plain name as is: `orders`, `it's`, `a:b`;
 * - a name holding a '.' in double quotes: `"orders.2024"`;
 * - a '"' as `\"` (current quoteName, Fqn.g4's EscapedChar): `say \"hi\"`, or `"a.\"b\""` with a dot;
 * - a '\' inside quotes as `\\` (Fqn.g4 requires it there); outside quotes only before a '"' or
 *   another '\', where leaving it bare would change the name read back.
 *
 * Read leniently, as OpenMetadata's older grammars did: quotes around a part without a dot are
 * dropped, a '\' before anything but '"' or '\' is a plain backslash, and a '"' inside a plain
 * part (older EntityInterfaceUtil kept such names as they were) is a plain quote.
 */
export function quoteFqnPart(name: string): string {
  if (name.length === 0) throw new RevmetaError('FQN_INVALID', 'A name in a fully qualified name cannot be empty')
  if (name.includes('.')) return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
  if (!name.includes('"') && !name.includes('\\')) return name
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!
    if (c === '"') out += '\\"'
    // A bare backslash reads back as itself unless an escapable character follows it.
    else if (c === '\\') out += name[i + 1] === '"' || name[i + 1] === '\\' ? '\\\\' : '\\'
    else out += c
  }
  // A part that would start with '"' reads as quoted: `\"x` starts with '\', so it cannot.
  return out
}

export function buildFqn(parts: readonly string[]): string {
  return parts.map(quoteFqnPart).join('.')
}

/** Splits an FQN into raw names (see quoteFqnPart for the forms read). */
export function parseFqn(fqn: string): string[] {
  const fail = (why: string): never => {
    throw new RevmetaError('FQN_INVALID', `Invalid fully qualified name ${JSON.stringify(fqn)}: ${why}`, { details: { fqn } })
  }
  if (fqn.length === 0) fail('it is empty')
  const parts: string[] = []
  let i = 0
  for (;;) {
    let part = ''
    if (fqn[i] === '"') {
      i += 1
      for (;;) {
        if (i >= fqn.length) fail('a quoted name is never closed')
        if (fqn[i] === '"') break
        const width = escapeWidth(fqn, i)
        part += fqn[i + width - 1]
        i += width
      }
      i += 1 // the closing quote
      if (i < fqn.length && fqn[i] !== '.') fail(`a quoted name must be followed by '.' (position ${i})`)
    } else {
      while (i < fqn.length && fqn[i] !== '.') {
        const width = escapeWidth(fqn, i)
        part += fqn[i + width - 1]
        i += width
      }
    }
    if (part.length === 0) fail('it has an empty name')
    parts.push(part)
    if (i >= fqn.length) return parts
    i += 1 // the '.'
    if (i === fqn.length) fail('it ends with a dot')
  }
}

/** 2 at an escape (`\"` or `\\`, the character read being the second), else 1. */
function escapeWidth(fqn: string, i: number): 1 | 2 {
  return fqn[i] === '\\' && (fqn[i + 1] === '"' || fqn[i + 1] === '\\') ? 2 : 1
}

// FQNs are joined, not concatenated: `+` makes a rope (a V8 cons string), and a Map keyed by
// ropes was measured several times slower to look up than one keyed by flat strings, which is
// what join makes. Read-back snapshots and plans hold tens of thousands of these keys.

/** The canonical FQN of an asset: also its key in maps and reports. A nested field follows its column, as OpenMetadata writes struct children. */
export function assetFqn(asset: AssetRef): string {
  const parts = [quoteFqnPart(asset.service), quoteFqnPart(asset.database)]
  if (asset.schema !== undefined) parts.push(quoteFqnPart(asset.schema))
  if (asset.table !== undefined) parts.push(quoteFqnPart(asset.table))
  if (asset.column !== undefined) parts.push(quoteFqnPart(asset.column))
  if (asset.path !== undefined) for (const field of asset.path) parts.push(quoteFqnPart(field))
  return parts.join('.')
}

/** The FQN of a child object from its parent's FQN, e.g. a column's from its table's. */
export function childFqn(parentFqn: string, name: string): string {
  return [parentFqn, quoteFqnPart(name)].join('.')
}
