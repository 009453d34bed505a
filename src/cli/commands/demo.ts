import type { Command } from 'commander'

export function registerDemo(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('demo')
    .description('run the bundled sample on an embedded PGlite database: plan, apply, apply again, read back')
    .option('--dir <path>', 'where the embedded database lives (recreated on every run)', '.revmeta/demo/pglite')
    .action((flags: { dir: string }) => done(import('../actions/demo.js').then((m) => m.demo(flags))))
}
