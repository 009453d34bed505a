import type { Command } from 'commander'
import type { LogLevel } from '../../model/log-levels.js'
import { logLevelOption } from '../log-level-option.js'

export function registerWorker(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('worker')
    .description('work off the durable queue until stopped; several workers may share one PostgreSQL store')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--drain', 'stop once nothing is due instead of waiting for new work')
    .addOption(logLevelOption())
    .action((flags: { config: string; drain?: boolean; logLevel?: LogLevel }) => done(import('../actions/worker.js').then((m) => m.work(flags))))
}
