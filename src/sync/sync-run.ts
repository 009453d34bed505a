import type { RevmetaConfig } from '../config/load-config.js'
import type { CatalogReader } from '../catalog/catalog-reader.js'
import { planInput, runReport } from '../engine/plan-input.js'
import type { OperationReport, RunReport } from '../model/report.js'
import { runOperations } from '../engine/run.js'
import { executeDurably, storedReport } from '../execution/apply-durably.js'
import type { StateStore } from '../store/state-store.js'
import type { OnProgress } from '../model/progress.js'
import { catalogChanges } from './catalog-changes.js'

const driftStatuses = new Set(['planned', 'applied', 'queued', 'failed'])
/** After the in-memory check: drift to write, and failures (a read-back that failed) the queue retries. */
const queuedAfterCheck = new Set(['planned', 'failed'])

/**
 * Batch sync: the catalog's desired state for every asset of the chosen services, against the
 * source read back in bulk. Operations already in place are `unchanged` and not sent, so only
 * drift is written — and only for channels whose `options.drift` is catalogWins; `report`
 * channels (and `--dry-run`) only list it. With a store, the drift goes through the durable queue
 * (the run in the store holds the drift only; the report lists every asset checked).
 */
export async function syncRun(
  config: RevmetaConfig,
  reader: CatalogReader,
  options: { services: readonly string[]; dryRun: boolean; store?: StateStore; onProgress?: OnProgress },
): Promise<RunReport> {
  const onProgress = { onProgress: options.onProgress }
  const input = await catalogChanges(reader, options.services)
  const planned = planInput(config, input)
  const reportOnly = new Set(config.channels.filter((c) => options.dryRun || c.options.drift === 'report').map((c) => c.name))
  const listOnly = planned.operations.filter((op) => reportOnly.has(op.channel))
  const write = planned.operations.filter((op) => !reportOnly.has(op.channel))
  const listed = listOnly.length > 0 ? await runOperations(config, listOnly, { apply: false, offline: false, ...onProgress }) : []
  let written: OperationReport[]
  let runId: number | undefined
  if (write.length > 0 && options.store) {
    // Read back first, in memory: what is already in place (nearly everything, on a service in
    // sync) is settled here, and only the drift, and what could not be checked, goes through the
    // durable queue, which reads it back again before writing. Queuing every asset of the service
    // cost a store row, a claim and a settle per column to write a few.
    const checked = await runOperations(config, write, { apply: false, offline: false, ...onProgress })
    const toQueue = new Set(checked.filter((r) => queuedAfterCheck.has(r.status)).map((r) => r.id))
    runId = await executeDurably(config, options.store, 'sync', write.filter((op) => toQueue.has(op.id)), onProgress)
    written = [...checked.filter((r) => !toQueue.has(r.id)), ...(await options.store.operations({ runId })).map(storedReport)]
  } else {
    written = await runOperations(config, write, { apply: true, offline: false, ...onProgress })
  }
  const report = runReport(config, input, planned, 'sync', [...written, ...listed], runId === undefined ? {} : { runId })
  report.summary.drift = report.operations.filter((o) => driftStatuses.has(o.status)).length
  return report
}
