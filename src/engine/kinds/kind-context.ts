import type { OwnerMapping } from '../../config/config-schema.js'
import type { ResolvedChannel } from '../../config/load-config.js'
import type { Dialect, ObjectState, ObjectType, Statement } from '../../connectors/connector.js'
import type { Operation } from '../../model/operation.js'

/** Everything a kind needs to decide what one operation should write. */
export interface KindContext<O extends Operation = Operation> {
  readonly op: O
  readonly dialect: Dialect
  readonly owners: OwnerMapping
  readonly channel: ResolvedChannel
  /** The object as read back; undefined offline. */
  readonly state?: ObjectState
}

/** What an operation wants, in the engine's terms, and how to write it. */
export interface Desired {
  /** Shown in reports: the description, the owning principal, the tags as key=value. */
  readonly value: string | null
  /**
   * Reads the same value from a read-back state, to skip what is in place and verify what was
   * written. Absent when that cannot be judged (custom templates write where revmeta cannot look).
   */
  readonly read?: (state: ObjectState) => string | null | undefined
  readonly render: (objectType: ObjectType, definition?: string) => Statement[]
  readonly warnings: readonly string[]
  /** Set when nothing is left to write after mapping (every tag dropped by the channel's rules). */
  readonly skip?: string
}
