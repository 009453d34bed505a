import type { Command } from 'commander'

export function registerReplay(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('replay')
    .description('re-queue dead letters (after fixing their cause) and work them off')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--ids <ids>', 'only these operation ids, comma-separated')
    .option('--json', 'print one JSON object')
    .action((flags: { config: string; ids?: string; json?: boolean }) => done(import('../actions/replay.js').then((m) => m.replay(flags))))
}
