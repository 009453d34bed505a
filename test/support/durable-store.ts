import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import { openStore } from '../../src/store/open-store.js'
import type { AuditEntry, StateStore, StoredOperation } from '../../src/store/state-store.js'
import { createTempDatabase, type TempDatabase } from './postgres-server.js'

export type StoreKind = 'pglite' | 'postgres'
export const storeKinds: readonly StoreKind[] = ['pglite', 'postgres']

/**
 * A state store for one test file, with a scratch directory for configs and event files: the
 * embedded PGlite store in that directory, or a fresh database on the local PostgreSQL server
 * (a missing server fails here, with the message createTempDatabase gives).
 */
export interface DurableStore {
  readonly kind: StoreKind
  /** Scratch directory of the test file (configs, events, the embedded store). */
  readonly dir: string
  /** The `store` section of revmeta's configuration. */
  readonly config: { readonly url?: string; readonly dir?: string }
  /** A client on the PostgreSQL store's database (schema `revmeta`); undefined for PGlite. */
  readonly pg?: pg.Client
  /** Opens the store in this process: for PGlite, only while no revmeta process holds it. */
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
  if (!db) await cp(await pgliteTemplate(), config.dir!, { recursive: true })
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

const migrationsDir = path.resolve(import.meta.dirname, '../../src/store/migrations')

/**
 * A freshly migrated, empty embedded store to copy: creating one (PGlite's initdb, then the
 * migrations) costs seconds of CPU, a copy milliseconds. Kept in the temp directory under a name
 * that changes with the migrations and the PGlite version, built once by whichever test file
 * needs it first (the others use it once it is complete).
 */
async function pgliteTemplate(): Promise<string> {
  const hash = createHash('sha256')
  hash.update(JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json'), 'utf8')).version)
  for (const file of (await readdir(migrationsDir)).sort()) hash.update(file).update(await readFile(path.join(migrationsDir, file)))
  const template = path.join(tmpdir(), `revmeta-test-store-${hash.digest('hex').slice(0, 16)}`)
  const store = path.join(template, 'store')
  if (existsSync(path.join(template, 'complete'))) return store
  const building = `${template}.${process.pid}.${randomBytes(3).toString('hex')}`
  const opened = await openStore({ dir: path.join(building, 'store') })
  await opened.close()
  await writeFile(path.join(building, 'complete'), '')
  // Another file may have finished first: its template is as good, and this one goes.
  await rename(building, template).catch(() => rm(building, { recursive: true, force: true }))
  return store
}
