import type { Operation } from '../model/operation.js'
import { isOlder, newerOrder, type ChangeOrder } from '../model/order.js'

type Json = Record<string, unknown>

/**
 * Coalesces a newer operation into a pending one of the same key, as migration 0006's SQL
 * function merge_operation did (it stays in PostgreSQL stores; test/store/merge-operation.test.ts
 * holds the two together): the operation with the newer order wins, ties and unordered ones going
 * to the newer; origins add up; the merged order is the newer of the two; for tags and owners,
 * each item keeps the newer verdict by the item's own order, older items the newer operation does
 * not decide anew first, then the newer operation's items. Works on stored JSON shapes, so it
 * merges what was read back from the store as well as fresh operations.
 */
export function mergeOperation(older: Operation, newer: Operation): Operation {
  const o = older as unknown as Json
  const n = newer as unknown as Json
  const base = n.kind === 'description' && isOlder(orderIn(n.order), orderIn(o.order)) ? o : n
  const merged: Json = { ...base, origins: [...listIn(o.origins), ...listIn(n.origins)] }
  const order = newerOrder(orderIn(o.order), orderIn(n.order))
  if (order !== undefined) merged.order = order
  if (n.kind === 'tags' || n.kind === 'owners') {
    const kind = n.kind
    const newerItems = [...listIn(n.add), ...listIn(n.remove)]
    const olderItems = [...listIn(o.add), ...listIn(o.remove)]
    for (const side of ['add', 'remove'] as const) {
      // The older operation's items that the newer one does not decide anew...
      const kept = listIn(o[side]).filter((e) => !newerItems.some((m) => sameItem(kind, m, e) && !isOlder(orderIn(itemOrder(m)), orderIn(itemOrder(e)))))
      // ...then the newer one's items, but for those the older one decided later.
      const taken = listIn(n[side]).filter((m) => !olderItems.some((e) => sameItem(kind, m, e) && isOlder(orderIn(itemOrder(m)), orderIn(itemOrder(e)))))
      merged[side] = [...kept, ...taken]
    }
  }
  return merged as unknown as Operation
}

const listIn = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

const itemOrder = (item: unknown): unknown => (item !== null && typeof item === 'object' ? (item as Json).order : undefined)

/** An order as SQL's order_older read it: only an object counts, and only its numeric parts. */
function orderIn(value: unknown): ChangeOrder | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const { version, timestamp } = value as Json
  return { ...(typeof version === 'number' ? { version } : {}), ...(typeof timestamp === 'number' ? { timestamp } : {}) }
}

/** operation_item_key (migration 0001): a missing part makes the key NULL, which equals nothing. */
function itemKey(kind: 'tags' | 'owners', item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined
  const it = item as Json
  const [a, b] = kind === 'tags' ? [it.source, it.tagFQN] : [it.type, it.name]
  const text = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v))
  const x = text(a)
  const y = text(b)
  return x === undefined || y === undefined ? undefined : `${x}:${y}`
}

function sameItem(kind: 'tags' | 'owners', a: unknown, b: unknown): boolean {
  const k = itemKey(kind, a)
  return k !== undefined && k === itemKey(kind, b)
}
