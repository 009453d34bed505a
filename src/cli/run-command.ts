import { loadConfig } from '../config/load-config.js'
import type { RunReport } from '../engine/report.js'
import { run } from '../engine/run.js'
import { applyDurably } from '../execution/apply-durably.js'
import { exitCodeFor } from './exit-codes.js'
import { loadInput, type InputFlags } from './load-input.js'
import { formatReport } from './print-report.js'
import { withStore } from './with-store.js'

export interface RunFlags extends InputFlags {
  readonly config: string
  readonly json?: boolean
  readonly offline?: boolean
  /** commander's `--no-store`: apply in memory, recording nothing. */
  readonly store?: boolean
  readonly queueOnly?: boolean
}

export function printReport(report: RunReport, json: boolean | undefined, exit: { queuedIsDone?: boolean } = {}): number {
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  return exitCodeFor(report, exit)
}

/** Shared body of `plan` and `apply`: the commands differ only in whether statements are sent. */
export async function runCommand(flags: RunFlags, apply: boolean): Promise<number> {
  const config = await loadConfig(flags.config)
  const durable = apply && flags.store !== false
  const input = await loadInput(flags, { keepEvents: durable })
  const report = durable
    ? await withStore(config, (store) => applyDurably(config, store, input, { queueOnly: flags.queueOnly === true, log: (line) => process.stderr.write(`revmeta: ${line}\n`) }))
    : await run(config, input, { apply, offline: flags.offline === true })
  return printReport(report, flags.json, { queuedIsDone: durable && flags.queueOnly === true })
}
