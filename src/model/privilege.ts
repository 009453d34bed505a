import type { Level } from './asset.js'

/** The kinds of metadata a privilege check covers: what a channel may write. */
export type PrivilegeKind = 'description' | 'tags' | 'owners'

/** One kind a service must be able to write at one level: what `revmeta check` asks a connector about. */
export interface PrivilegeNeed {
  readonly kind: PrivilegeKind
  readonly level: Level
}

/**
 * One answer of a privilege check: whether the connection holds `privilege` on `object` (an
 * object's name, or `*` with a count when every object of the level is covered), and when not,
 * the engine's exact statement that would grant it.
 */
export interface PrivilegeFinding {
  kind: PrivilegeKind
  level: string
  object: string
  privilege: string
  held: boolean
  grant?: string
}

/** What a connector's client reports for `revmeta check`: the engine's version and the findings. */
export interface PrivilegeReport {
  readonly version: string
  /** Who the checks ran as (role, user), as the engine names it. */
  readonly principal?: string
  readonly findings: readonly PrivilegeFinding[]
}

/** Levels of `needs` for one kind, in the order given. */
export function levelsFor(needs: readonly PrivilegeNeed[], kind: PrivilegeKind): Level[] {
  return needs.filter((n) => n.kind === kind).map((n) => n.level)
}
