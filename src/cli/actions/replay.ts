import { loadConfig } from '../../config/load-config.js'
import { drain, storedReport } from '../../execution/apply-durably.js'
import { summarize } from '../../model/report.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { printReport } from './run-command.js'
import { withStore } from '../with-store.js'
import { withProgress } from '../progress-bar.js'

export async function replay(flags: { config: string; ids?: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(flags.config)
  const ids = flags.ids?.split(',').map((s) => Number(s.trim()))
  if (ids?.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new RevmetaError('CONFIG_INVALID', `--ids takes operation ids separated by commas, not ${JSON.stringify(flags.ids)}`)
  return withStore(config, async (store) => {
    const runId = await store.createRun('replay', ids ? `operations ${ids.join(', ')}` : 'all dead letters')
    const count = await store.replay(runId, ids)
    process.stderr.write(`revmeta: re-queued ${count} dead letter(s) as run ${runId}\n`)
    await withProgress('replay', flags, (progress) => drain(config, store, runId, { onProgress: progress.onProgress }))
    const operations = (await store.operations({ runId })).map(storedReport)
    return printReport(
      { mode: 'replay', runId, warnings: [], summary: summarize(operations, 0), operations, input: { items: 0, changes: 0, ignored: {}, errors: [] } },
      flags.json,
    )
  })
}

