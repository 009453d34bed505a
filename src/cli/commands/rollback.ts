import type { Command } from 'commander'
import { loadConfig } from '../../config/load-config.js'
import { executeDurably, storedReport } from '../../execution/apply-durably.js'
import { rollbackOperations } from '../../execution/rollback-operations.js'
import { summarize } from '../../model/report.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { printReport } from '../run-command.js'
import { withStore } from '../with-store.js'

async function rollback(run: string, flags: { config: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(flags.config)
  const target = Number(run)
  if (!Number.isSafeInteger(target) || target <= 0) throw new RevmetaError('CONFIG_INVALID', `rollback takes a run id (see revmeta runs), not ${JSON.stringify(run)}`)
  return withStore(config, async (store) => {
    if (!(await store.getRun(target))) throw new RevmetaError('CONFIG_INVALID', `There is no run ${target} (see revmeta runs)`)
    const { operations, skipped } = rollbackOperations(await store.audit({ runId: target }), await store.operations({ runId: target }))
    const runId = await executeDurably(config, store, 'rollback', operations, { note: `rollback of run ${target}` })
    const reports = (await store.operations({ runId })).map(storedReport)
    const warnings = skipped.map((s) => `${s.key}: not rolled back (custom template or no recorded previous value)`)
    return printReport({ mode: 'rollback', runId, warnings, summary: summarize(reports, 0), operations: reports, input: { items: 0, changes: 0, ignored: {}, errors: [] } }, flags.json)
  })
}

export function registerRollback(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('rollback <run>')
    .description('restore the values a run replaced, as the audit recorded them, through the same pipeline')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--json', 'print one JSON object')
    .action((run: string, flags: { config: string; json?: boolean }) => done(rollback(run, flags)))
}
