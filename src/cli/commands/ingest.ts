import type { Command } from 'commander'
import type { IngestFlags } from '../actions/ingest.js'
import { collectService } from '../selected-services.js'

export function registerIngest(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('ingest')
    .description("read databases, schemas, tables and columns from the configured services into the built-in catalog (the catalog's own descriptions, tags and owners are kept)")
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('-s, --service <name>', 'only this service (repeatable)', collectService, [] as string[])
    .option('--json', 'print one JSON object')
    .action((flags: IngestFlags) => done(import('../actions/ingest.js').then((m) => m.runIngest(flags))))
}
