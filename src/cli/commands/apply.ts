import type { Command } from 'commander'
import type { RunFlags } from '../actions/run-command.js'

export function registerApply(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('apply')
    .description('apply the changes; exit 0 when all succeeded or were in place, 1 when any failed')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--events <file>', 'OpenMetadata ChangeEvents: JSON array or JSON lines; - for standard input')
    .option('--pipeline <file>', 'OpenMetadata ReverseIngestionPipeline JSON')
    .option('--json', 'print one JSON object')
    .option('--no-store', 'apply in memory: no durable queue, audit or retries across runs')
    .option('--stream', 'plan the events as they are read, holding a bounded part at a time (automatic for standard input and files of 32 MiB or more; needs the store)')
    .option('--queue-only', 'record and queue the operations, and leave the work to revmeta worker processes')
    .action((flags: RunFlags) => done(import('../actions/run-command.js').then((m) => m.runCommand(flags, true))))
}
