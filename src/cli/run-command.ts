import { loadConfig } from '../config/load-config.js'
import { run } from '../engine/run.js'
import { exitCodeFor } from './exit-codes.js'
import { loadInput, type InputFlags } from './load-input.js'
import { formatReport } from './print-report.js'

export interface RunFlags extends InputFlags {
  readonly config: string
  readonly json?: boolean
  readonly offline?: boolean
}

/** Shared body of `plan` and `apply`: the commands differ only in whether statements are sent. */
export async function runCommand(flags: RunFlags, apply: boolean): Promise<number> {
  const config = await loadConfig(flags.config)
  const input = await loadInput(flags)
  const report = await run(config, input, { apply, offline: flags.offline === true })
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  return exitCodeFor(report)
}
