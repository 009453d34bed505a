import type { Command } from 'commander'
import type { CheckFlags } from '../actions/check.js'
import { collectService } from '../selected-services.js'

export function registerCheck(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('check')
    .description('per service: connect, show the engine version, and check the privileges the enabled kinds need; prints the grants that are missing')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--service <name>', 'only this service (repeatable)', collectService, [] as string[])
    .option('--json', 'print one JSON object: ok and services (each a ServiceCheck)')
    .action((flags: CheckFlags) => done(import('../actions/check.js').then((m) => m.check(flags))))
}
