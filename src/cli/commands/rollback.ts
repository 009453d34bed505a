import type { Command } from 'commander'

export function registerRollback(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('rollback <run>')
    .description('restore the values a run replaced, as the audit recorded them, through the same pipeline')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--json', 'print one JSON object')
    .action((run: string, flags: { config: string; json?: boolean }) => done(import('../actions/rollback.js').then((m) => m.rollback(run, flags))))
}
