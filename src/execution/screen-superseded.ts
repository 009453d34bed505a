import type { OperationReport } from '../model/report.js'
import type { OwnerRef, TagLabel } from '../model/change.js'
import { operationFqn, type Operation, type Ordered } from '../model/operation.js'
import { describeOrder, isOlder, newerOrder, type ChangeOrder } from '../model/order.js'
import { orderKeyString, type OrderKey, type OrderMark, type Settlement, type StoredOperation } from '../store/state-store.js'

/** A claimed operation that is still to be sent: possibly without its superseded tags or owners. */
export interface Unsuperseded {
  readonly claimed: StoredOperation
  /** What to send: the claimed operation, or a copy without the items a newer change decided. */
  readonly op: Operation
  /** The orders to record once it is applied or found in place. */
  readonly marks: readonly OrderMark[]
  /** Said in its report: the items dropped as superseded. */
  readonly warnings: readonly string[]
}

const itemKey = (kind: 'tags' | 'owners', item: TagLabel | OwnerRef) =>
  kind === 'tags' ? `${(item as TagLabel).source}:${(item as TagLabel).tagFQN}` : `${(item as OwnerRef).type}:${(item as OwnerRef).name}`

const keyOf = (op: Operation, item = ''): OrderKey => ({ service: op.service, asset: operationFqn(op), kind: op.kind, item })

function items(op: Operation): Ordered<TagLabel | OwnerRef>[] {
  return op.kind === 'description' ? [] : [...op.add, ...op.remove]
}

/** Every order key a batch's operations would be compared with: one read for the whole batch. */
export function orderKeys(batch: readonly StoredOperation[]): OrderKey[] {
  const keys: OrderKey[] = []
  for (const { op } of batch) {
    if (op.kind === 'description') {
      if (op.order) keys.push(keyOf(op))
    } else {
      for (const item of items(op)) if (item.order) keys.push(keyOf(op, itemKey(op.kind, item)))
    }
  }
  return keys
}

/**
 * Splits a claimed batch by the orders the store recorded (StateStore.orders): an operation older
 * than the value last applied to its asset and kind is settled `superseded` and never sent; a tag
 * or owner operation loses only its superseded items (an older "add X" after a newer "add Y"
 * still adds X: each item has its own order), and is superseded when none remain. Operations
 * without an order (pipelines, rollback) are never superseded.
 */
export function screenSuperseded(batch: readonly StoredOperation[], recorded: ReadonlyMap<string, ChangeOrder>): { send: Unsuperseded[]; superseded: Settlement[] } {
  const send: Unsuperseded[] = []
  const superseded: Settlement[] = []
  for (const claimed of batch) {
    const { op } = claimed
    if (op.kind === 'description') {
      const key = keyOf(op)
      const newer = recorded.get(orderKeyString(key))
      if (op.order && isOlder(op.order, newer)) superseded.push(supersededSettlement(claimed, newer!))
      else send.push({ claimed, op, marks: op.order ? [{ ...key, order: op.order }] : [], warnings: [] })
      continue
    }
    const kind = op.kind
    const marks: OrderMark[] = []
    const dropped: { item: string; by: ChangeOrder }[] = []
    const keep = (item: Ordered<TagLabel | OwnerRef>): boolean => {
      if (!item.order) return true
      const key = keyOf(op, itemKey(kind, item))
      const newer = recorded.get(orderKeyString(key))
      if (isOlder(item.order, newer)) {
        dropped.push({ item: key.item, by: newer! })
        return false
      }
      marks.push({ ...key, order: item.order })
      return true
    }
    const add = op.add.filter(keep)
    const remove = op.remove.filter(keep)
    if (dropped.length === 0) {
      send.push({ claimed, op, marks, warnings: [] })
    } else if (add.length === 0 && remove.length === 0 && (op.kind === 'tags' || op.principal === undefined)) {
      const by = dropped.reduce<ChangeOrder | undefined>((n, d) => newerOrder(n, d.by), undefined)!
      superseded.push(supersededSettlement(claimed, by, dropped.map((d) => d.item)))
    } else {
      const warnings = dropped.map((d) => `superseded: ${d.item} left out, a newer change to it was already applied (${describeOrder(d.by)})`)
      send.push({ claimed, op: { ...op, add, remove } as Operation, marks, warnings })
    }
  }
  return { send, superseded }
}

function supersededSettlement(claimed: StoredOperation, by: ChangeOrder, items?: readonly string[]): Settlement {
  const { op } = claimed
  const what = items ? `${items.join(', ')}: ` : ''
  const report: OperationReport = {
    id: op.id,
    channel: op.channel,
    service: claimed.service,
    asset: operationFqn(op),
    level: op.asset.level,
    kind: op.kind,
    status: 'superseded',
    statements: [],
    warnings: [`superseded: ${what}a newer change was already applied (${describeOrder(by)})${op.order ? ` than this one (${describeOrder(op.order)})` : ''}; not sent`],
    ...(op.order ? { order: op.order } : {}),
    supersededBy: by,
    origins: op.origins.map((o) => ({ index: o.index, eventId: o.eventId, user: o.user })),
  }
  return { id: claimed.id, op, status: 'superseded', report }
}
