import type { Command } from 'commander'
import type { RunFlags } from '../actions/run-command.js'

export function registerPlan(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('plan')
    .description('show what would run; applies nothing')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--events <file>', 'OpenMetadata ChangeEvents: JSON array or JSON lines; - for standard input')
    .option('--pipeline <file>', 'OpenMetadata ReverseIngestionPipeline JSON')
    .option('--sync', 'batch: catalog state against actual state')
    .option('--json', 'print one JSON object')
    .option('--offline', 'do not connect: render without reading the current state back')
    .action((flags: RunFlags) => done(import('../actions/run-command.js').then((m) => m.runCommand(flags, false))))
}
