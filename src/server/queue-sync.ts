import type { CatalogBackend } from '../catalogs/catalog-backend.js'
import type { RevmetaConfig } from '../config/load-config.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { planInput } from '../engine/plan-input.js'
import type { StateStore } from '../store/state-store.js'
import { syncRun } from '../sync/sync-run.js'
import { catalogChanges } from '../sync/catalog-changes.js'

export interface SyncScope {
  readonly services?: readonly string[]
  readonly channels?: readonly string[]
}

/** The config narrowed to a scope: the chosen channels only, the chosen services only (all when not given). */
export function scopedConfig(config: RevmetaConfig, scope: SyncScope): { config: RevmetaConfig; services: string[] } {
  const known = new Set(config.services.map((s) => s.name))
  for (const s of scope.services ?? []) if (!known.has(s)) throw new RevmetaError('UNKNOWN_SERVICE', `No service named ${JSON.stringify(s)}.`, { details: { service: s } })
  const channels = scope.channels === undefined ? config.channels : config.channels.filter((c) => scope.channels!.includes(c.name))
  for (const c of scope.channels ?? []) if (!channels.some((x) => x.name === c)) throw new RevmetaError('CHANNEL_NOT_FOUND', `No channel named ${JSON.stringify(c)}.`, { details: { channel: c } })
  const services = scope.services ? [...scope.services] : config.services.map((s) => s.name)
  return { config: { ...config, channels, warnings: [] }, services }
}

function backendOf(backend: CatalogBackend | undefined): CatalogBackend {
  if (backend === undefined) throw new RevmetaError('INTERNAL', 'Run Now needs the catalog backend; this server was built without one.')
  return backend
}

/** Run Now, first step: the drift per object (current vs desired, exact statements), writing nothing. */
export async function planSync(config: RevmetaConfig, store: StateStore, backend: CatalogBackend | undefined, scope: SyncScope) {
  const scoped = scopedConfig(config, scope)
  const catalog = await backendOf(backend).openReader(config, store)
  try {
    return await syncRun(scoped.config, catalog.reader, { services: scoped.services, dryRun: true })
  } finally {
    await catalog.close()
  }
}

/**
 * Run Now confirmed, or a schedule firing: the catalog's desired state queued as a sync run for
 * the server's worker (what is already in place settles `unchanged`, so only drift is written).
 */
export async function queueSync(config: RevmetaConfig, store: StateStore, backend: CatalogBackend | undefined, scope: SyncScope, note: string): Promise<{ runId: number; queued: number }> {
  const scoped = scopedConfig(config, scope)
  const catalog = await backendOf(backend).openReader(config, store)
  let operations
  try {
    operations = planInput(scoped.config, await catalogChanges(catalog.reader, scoped.services)).operations
  } finally {
    await catalog.close()
  }
  const runId = await store.createRun('sync', note)
  await store.enqueue(runId, operations)
  if (operations.length === 0) await store.finishRun(runId)
  return { runId, queued: operations.length }
}
