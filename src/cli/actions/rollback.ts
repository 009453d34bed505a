import { loadConfig } from '../../config/load-config.js'
import { executeDurably, storedReport } from '../../execution/apply-durably.js'
import { rollbackOperations } from '../../execution/rollback-operations.js'
import { summarize } from '../../model/report.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { printReport } from './run-command.js'
import { withStore } from '../with-store.js'
import { withProgress } from '../progress-bar.js'

export async function rollback(run: string, flags: { config: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(flags.config)
  const target = Number(run)
  if (!Number.isSafeInteger(target) || target <= 0) throw new RevmetaError('CONFIG_INVALID', `rollback takes a run id (see revmeta runs), not ${JSON.stringify(run)}`)
  return withStore(config, async (store) => {
    if (!(await store.getRun(target))) throw new RevmetaError('CONFIG_INVALID', `There is no run ${target} (see revmeta runs)`)
    const { operations, skipped } = rollbackOperations(await store.audit({ runId: target }), await store.operations({ runId: target }))
    const note = `rollback of run ${target}`
    const runId = await withProgress('rollback', flags, (progress) => executeDurably(config, store, 'rollback', operations, { note, onProgress: progress.onProgress }))
    const reports = (await store.operations({ runId })).map(storedReport)
    const warnings = skipped.map((s) => `${s.key}: not rolled back (custom template or no recorded previous value)`)
    return printReport({ mode: 'rollback', runId, warnings, summary: summarize(reports, 0), operations: reports, input: { items: 0, changes: 0, ignored: {}, errors: [] } }, flags.json)
  })
}

