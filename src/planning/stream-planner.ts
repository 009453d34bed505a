import type { Operation } from '../model/operation.js'
import { OperationCoalescer, type RoutedChange } from './planner.js'

/**
 * The streaming counterpart of planOperations, for inputs too large to hold: it keeps one draft per
 * (channel, asset, kind), so memory grows with distinct keys, not with events. The one part that
 * still grows per event is each operation's `origins` (one small record per coalesced change),
 * which the audit needs; a caller that must bound even that flushes every N changes.
 *
 * Which value wins does not depend on arrival order: the coalescer keeps the newest by each
 * change's order (version, then time), as planOperations does. What arrival order still decides
 * is the order of an operation's `origins` (the batch planner sorts them by timestamp first), and
 * which of two changes of equal order wins (the later). Across flushes, the store decides
 * (superseded operations, docs/execution.md "Order").
 */
export class StreamingPlanner {
  private readonly coalescer = new OperationCoalescer()

  /** Distinct (channel, asset, kind) keys held since the last flush. */
  get pending(): number {
    return this.coalescer.size
  }

  add(routed: RoutedChange): void {
    this.coalescer.add(routed)
  }

  /**
   * The operations for every change added since the last flush, in first-seen order, and a fresh
   * start. Flushing mid-stream is safe for ordering: a later flush's operation on the same asset
   * and kind holds newer state, so applying flushes in order never lets an older change win; it
   * only means that asset is written once per flush instead of once in all.
   */
  flush(): Operation[] {
    return this.coalescer.drain()
  }
}
