import Table from 'cli-table3'
import type { Command } from 'commander'
import { loadConfig } from '../../config/load-config.js'
import { withStore } from '../with-store.js'

async function listRuns(flags: { config: string; json?: boolean; limit: string }): Promise<number> {
  const config = await loadConfig(flags.config)
  const runs = await withStore(config, (store) => store.listRuns(Number(flags.limit)))
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`)
    return 0
  }
  const table = new Table({ head: ['run', 'mode', 'started', 'finished', 'counts'], style: { head: [], border: [] } })
  for (const r of runs) {
    const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')
    table.push([r.id, r.mode, r.startedAt.toISOString(), r.finishedAt?.toISOString() ?? 'running', counts])
  }
  process.stdout.write(runs.length ? `${table.toString()}\n` : 'No runs yet.\n')
  return 0
}

export function registerRuns(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('runs')
    .description('list runs with their counts, newest first')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print one JSON object')
    .action((flags: { config: string; json?: boolean; limit: string }) => done(listRuns(flags)))
}
