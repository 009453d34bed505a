import { Command, CommanderError } from 'commander'
import { isRevmetaError } from '../errors/revmeta-error.js'
import { registerApply } from './commands/apply.js'
import { registerCheck } from './commands/check.js'
import { registerDemo } from './commands/demo.js'
import { registerIngest } from './commands/ingest.js'
import { registerPlan } from './commands/plan.js'
import { registerReplay } from './commands/replay.js'
import { registerRollback } from './commands/rollback.js'
import { registerRuns } from './commands/runs.js'
import { registerServe } from './commands/serve.js'
import { registerStart } from './commands/start.js'
import { registerStoreUpgrade } from './commands/store-upgrade.js'
import { registerSync } from './commands/sync.js'
import { registerToken } from './commands/token.js'
import { registerWorker } from './commands/worker.js'
import { exitCodes } from './exit-codes.js'

/** Codes that mean the invocation itself was wrong, not that an operation failed. */
const usageCodes = new Set(['CONFIG_INVALID', 'TEMPLATE_INVALID', 'CONFIG_UNREADABLE', 'CONFIG_ENV_MISSING', 'INPUT_UNREADABLE', 'UNSUPPORTED'])

/** Registers the commands and returns the exit code; never calls process.exit, so output is flushed. */
export async function main(argv: readonly string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(exitCodes.ok)
  const done = (code: Promise<number>) => {
    result = code
  }
  const program = new Command('revmeta')
    .description('Push descriptions, tags and owners edited in a data catalog back into the databases it describes.')
    .exitOverride()
    .showHelpAfterError()
  registerPlan(program, done)
  registerApply(program, done)
  registerDemo(program, done)
  registerWorker(program, done)
  registerRuns(program, done)
  registerReplay(program, done)
  registerRollback(program, done)
  registerServe(program, done)
  registerStart(program, done)
  registerSync(program, done)
  registerIngest(program, done)
  registerToken(program, done)
  registerCheck(program, done)
  registerStoreUpgrade(program, done)
  try {
    await program.parseAsync([...argv])
    return await result
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? exitCodes.ok : exitCodes.usage
    }
    if (isRevmetaError(err)) {
      process.stderr.write(`revmeta: ${err.code}: ${err.message}\n`)
      return usageCodes.has(err.code) ? exitCodes.usage : exitCodes.failed
    }
    process.stderr.write(`revmeta: INTERNAL: ${(err as Error).stack ?? String(err)}\n`)
    return exitCodes.failed
  }
}
