import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import { openStore } from '../../src/store/open-store.js'
import type { AuditEntry, StateStore, StoredOperation } from '../../src/store/state-store.js'
import { createTempDatabase, type TempDatabase } from './postgres-server.js'

export type StoreKind = 'sqlite' | 'postgres'
export const storeKinds: readonly StoreKind[] = ['sqlite', 'postgres']

/**
 * A state store for one test file, with a scratch directory for configs and event files: the
 * embedded SQLite store in that directory, or a fresh database on the local PostgreSQL server
 * (a missing server fails here, with the message createTempDatabase gives).
 */
export interface DurableStore {
  readonly kind: StoreKind
  /** Scratch directory of the test file (configs, events, the embedded store). */
  readonly dir: string
  /** The `store` section of revmeta's configuration. */
  readonly config: { readonly url?: string; readonly dir?: string }
  /** A client on the PostgreSQL store's database (schema `revmeta`); undefined for SQLite. */
  readonly pg?: pg.Client
  /** Opens the store in this process (SQLite: beside any revmeta process using it). */
  with<T>(fn: (store: StateStore) => Promise<T>): Promise<T>
  drop(): Promise<void>
}

export async function createStore(kind: StoreKind, prefix: string): Promise<DurableStore> {
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`))
  let db: TempDatabase | undefined
  try {
    if (kind === 'postgres') db = await createTempDatabase(`${prefix}_store`)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const config = db ? { url: `postgres://postgres@127.0.0.1:5432/${db.name}` } : { dir: path.join(dir, 'store') }
  return {
    kind,
    dir,
    config,
    ...(db ? { pg: db.client } : {}),
    async with(fn) {
      const store = await openStore({ ...config, poolSize: 2 })
      try {
        return await fn(store)
      } finally {
        await store.close()
      }
    },
    async drop() {
      await db?.drop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Everything a test needs to judge the queue after the processes are gone, read in one opening. */
export interface StoreState {
  readonly operations: StoredOperation[]
  readonly audit: AuditEntry[]
}

export function readStoreState(store: DurableStore, runIds?: readonly number[]): Promise<StoreState> {
  return store.with(async (s) => {
    const operations = runIds ? (await Promise.all(runIds.map((runId) => s.operations({ runId })))).flat() : await s.operations({})
    const audit = runIds ? (await Promise.all(runIds.map((runId) => s.audit({ runId })))).flat() : await s.audit({})
    return { operations, audit }
  })
}

/** The audit rows per operation id. */
export function auditByOperation(audit: readonly AuditEntry[]): Map<number, AuditEntry[]> {
  const out = new Map<number, AuditEntry[]>()
  for (const entry of audit) out.set(entry.operationId, [...(out.get(entry.operationId) ?? []), entry])
  return out
}

/** Operations whose audit does not hold exactly one row that landed (applied or recovered), with what it holds. */
export function notExactlyOnce(operations: readonly StoredOperation[], audit: readonly AuditEntry[]): string[] {
  const byOp = auditByOperation(audit)
  return operations.flatMap((op) => {
    const rows = byOp.get(op.id) ?? []
    const landed = rows.filter((r) => r.outcome === 'applied' || r.outcome === 'recovered')
    return landed.length === 1 ? [] : [`${op.key} (#${op.id}, ${op.status}): ${rows.map((r) => `attempt ${r.attempt} ${r.outcome}`).join(', ') || 'no audit'}`]
  })
}

/** Counts of stored operations by status. */
export function statusCounts(operations: readonly StoredOperation[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const op of operations) out[op.status] = (out[op.status] ?? 0) + 1
  return out
}
