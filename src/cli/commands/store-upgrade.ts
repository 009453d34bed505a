import type { Command } from 'commander'

/** `revmeta store upgrade`: an older revmeta's embedded PGlite store into the SQLite store, in place. */
export function registerStoreUpgrade(program: Command, done: (code: Promise<number>) => void): void {
  const store = program.command('store').description('the embedded state store: upgrade one an older revmeta left')
  store
    .command('upgrade')
    .description("copy an older revmeta's embedded store (PGlite) into the SQLite store in the same directory, then move the old files to pglite-backup/; safe to run again")
    .option('-c, --config <file>', 'revmeta YAML configuration (its store.dir and store.schema)')
    .option('--dir <dir>', 'the store directory, instead of a configuration')
    .option('--schema <name>', 'the schema the older revmeta used (store.schema)')
    .option('--json', 'print one JSON object')
    .action((flags: { config?: string; dir?: string; schema?: string; json?: boolean }) => done(import('../actions/store-upgrade.js').then((m) => m.storeUpgrade(flags))))
}
