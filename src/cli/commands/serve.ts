import type { Command } from 'commander'
import type { LogLevel } from '../../model/log-levels.js'
import { logLevelOption } from '../log-level-option.js'

export function registerServe(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('serve')
    .description('HTTP API, OpenMetadata webhook receiver, poller, worker and metrics, until stopped')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .addOption(logLevelOption())
    .action((flags: { config: string; logLevel?: LogLevel }) => done(import('../actions/serve.js').then((m) => m.serve(flags))))
}
