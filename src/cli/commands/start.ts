import type { Command } from 'commander'
import type { LogLevel } from '../../model/log-levels.js'
import { logLevelOption } from '../log-level-option.js'

export function registerStart(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('start')
    .description('the web app on the embedded demo: seed it, fill the built-in catalog, serve, print a one-time sign-in link')
    .option('--dir <path>', 'where the demo lives (recreated on every start)', '.revmeta/start')
    .option('--port <port>', 'port to serve on (default 8787 on a terminal, any free one otherwise)')
    .addOption(logLevelOption())
    .action((flags: { dir: string; port?: string; logLevel?: LogLevel }) => done(import('../actions/start.js').then((m) => m.start(flags))))
}
