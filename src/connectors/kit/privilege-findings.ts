import type { Level } from '../../model/asset.js'
import type { PrivilegeFinding, PrivilegeKind, PrivilegeNeed } from '../../model/privilege.js'

/** One object's answer before it is summarized: what it needs, whether it is held, the grant if not. */
export interface ObjectPrivilege {
  readonly object: string
  readonly privilege: string
  readonly held: boolean
  readonly grant?: string
}

const nouns: Record<Level, [string, string]> = {
  database: ['database', 'databases'],
  schema: ['schema', 'schemas'],
  table: ['table', 'tables'],
  column: ['table (for its columns)', 'tables (for their columns)'],
}

/** `* (3 tables)`: the object of a finding that covers every object of a level. */
export function everyObject(level: Level, count: number): string {
  return `* (${count} ${nouns[level][count === 1 ? 0 : 1]})`
}

/**
 * The findings of one kind at one level, for every engine: what is held is summed up in one line
 * per privilege (a database of 10,000 tables all owned gives one finding, not 10,000); what is
 * missing is listed object by object, each with its grant, since that is what a person acts on.
 */
export function summarizeLevel(kind: PrivilegeKind, level: Level, objects: readonly ObjectPrivilege[]): PrivilegeFinding[] {
  const findings: PrivilegeFinding[] = []
  const heldBy = new Map<string, number>()
  for (const o of objects) {
    if (o.held) heldBy.set(o.privilege, (heldBy.get(o.privilege) ?? 0) + 1)
    else findings.push({ kind, level, object: o.object, privilege: o.privilege, held: false, ...(o.grant !== undefined ? { grant: o.grant } : {}) })
  }
  const summary = [...heldBy].map(([privilege, count]): PrivilegeFinding => ({ kind, level, object: everyObject(level, count), privilege, held: true }))
  // Nothing at this level yet (an empty schema): nothing is missing either.
  if (objects.length === 0) summary.push({ kind, level, object: everyObject(level, 0), privilege: 'none needed', held: true })
  return [...summary, ...findings]
}

/** One finding per need for a connection that may do everything (a superuser, an account admin). */
export function heldEverywhere(needs: readonly PrivilegeNeed[], privilege: string, object = '*'): PrivilegeFinding[] {
  return needs.map(({ kind, level }) => ({ kind, level, object, privilege, held: true }))
}
