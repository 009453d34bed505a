import type { Command } from 'commander'
import type { SyncFlags } from '../actions/sync.js'
import { collectService } from '../selected-services.js'

export function registerSync(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('sync')
    .description('batch: the catalog state of every asset against the actual state; write only the difference (drift)')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--service <name>', 'only this service (repeatable)', collectService, [] as string[])
    .option('--dry-run', 'list the drift, write nothing')
    .option('--json', 'print one JSON object')
    .action((flags: SyncFlags) => done(import('../actions/sync.js').then((m) => m.sync(flags))))
}
