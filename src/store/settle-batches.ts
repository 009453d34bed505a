import type { ChangeOrder } from '../model/order.js'
import { newerOrder } from '../model/order.js'
import type { Operation } from '../model/operation.js'
import { orderKeyString, type OrderKey, type Settlement } from './state-store.js'

/**
 * The order marks of the settlements that may record them (applied or unchanged), one per key:
 * the newest, since one statement cannot update a row twice (two channels' operations on one
 * asset can settle in the same batch).
 */
export function orderMarks(settlements: readonly Settlement[]): { id: number; service: string; asset: string; kind: OrderKey['kind']; item: string; ord: ChangeOrder }[] {
  const byKey = new Map<string, { id: number; service: string; asset: string; kind: OrderKey['kind']; item: string; ord: ChangeOrder }>()
  for (const st of settlements) {
    if ((st.status !== 'applied' && st.status !== 'unchanged') || st.marks === undefined) continue
    for (const mark of st.marks) {
      const key = orderKeyString(mark)
      const held = byKey.get(key)
      const ord = newerOrder(held?.ord, mark.order)
      if (ord === undefined) continue
      byKey.set(key, { id: ord === held?.ord ? held.id : st.id, service: mark.service, asset: mark.asset, kind: mark.kind, item: mark.item, ord })
    }
  }
  return [...byKey.values()]
}

/**
 * Splits operations so that no key repeats within a wave: the first occurrence of each key goes in
 * the first wave, the second in the second, and so on. Waves run in order, so a repeated key
 * coalesces in input order through the same SQL merge as any other pending operation.
 */
export function waves(ops: readonly Operation[]): Operation[][] {
  const out: Operation[][] = []
  const seen = new Map<string, number>()
  for (const op of ops) {
    const n = seen.get(op.id) ?? 0
    seen.set(op.id, n + 1)
    ;(out[n] ??= []).push(op)
  }
  return out
}
