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

/**
 * Batch sync: the catalog's desired state for every asset of the chosen services, against the
 * source read back in bulk. Operations already in place are `unchanged` and not sent, so only
 * drift is written — and only for channels whose `options.drift` is catalogWins; `report`
 * channels (and `--dry-run`) only list it. Writes go through the durable queue when a store is given.
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
    runId = await executeDurably(config, options.store, 'sync', write, onProgress)
    written = (await options.store.operations({ runId })).map(storedReport)
  } else {
    written = await runOperations(config, write, { apply: true, offline: false, ...onProgress })
  }
  const report = runReport(config, input, planned, 'sync', [...written, ...listed], runId === undefined ? {} : { runId })
  report.summary.drift = report.operations.filter((o) => driftStatuses.has(o.status)).length
  return report
}
