import type { Command } from 'commander'

export function registerRuns(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('runs')
    .description('list runs with their counts, newest first')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print one JSON object')
    .action((flags: { config: string; json?: boolean; limit: string }) => done(import('../actions/runs.js').then((m) => m.listRuns(flags))))
}
