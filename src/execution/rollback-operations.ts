import type { Operation } from '../model/operation.js'
import type { AuditEntry, StoredOperation } from '../store/state-store.js'

/**
 * The operations that put back what a run changed: for every operation of the run whose
 * statements landed, the value read back before them. Custom-template operations are left out,
 * because revmeta cannot know what their SQL changed; they are returned so the report can name them.
 */
export function rollbackOperations(audit: readonly AuditEntry[], operations: readonly StoredOperation[]): { operations: Operation[]; skipped: StoredOperation[] } {
  const landed = new Map<number, AuditEntry>()
  for (const entry of audit) if (entry.outcome === 'applied' || entry.outcome === 'recovered') landed.set(entry.operationId, landed.get(entry.operationId) ?? entry)
  const result: Operation[] = []
  const skipped: StoredOperation[] = []
  for (const stored of operations) {
    const entry = landed.get(stored.id)
    if (!entry) continue
    const op = stored.op
    // No `order`: a rollback acts on purpose, so it is never superseded and records no order
    // (the order of the change it undoes stays recorded; docs/execution.md, "Order").
    const base = { id: op.id, channel: op.channel, service: op.service, asset: op.asset, origins: op.origins }
    if (op.sqlTemplate !== undefined || entry.before === undefined || op.kind === 'tags' || stored.report?.warnings.some((w) => w.startsWith('custom template'))) {
      skipped.push(stored)
    } else if (op.kind === 'description') {
      result.push({ ...base, kind: 'description', description: entry.before })
    } else if (entry.before !== null) {
      result.push({ ...base, kind: 'owners', add: [], remove: [], principal: entry.before })
    } else {
      skipped.push(stored)
    }
  }
  return { operations: result, skipped }
}
