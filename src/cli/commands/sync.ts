import type { Command } from 'commander'
import { loadCatalogBackend } from '../../catalogs/registry.js'
import { loadConfig } from '../../config/load-config.js'
import { syncRun } from '../../sync/sync-run.js'
import { printReport } from '../run-command.js'
import { withStore } from '../with-store.js'
import { collectService, selectedServices } from '../selected-services.js'

interface SyncFlags {
  config: string
  service: string[]
  dryRun?: boolean
  json?: boolean
}

async function sync(flags: SyncFlags): Promise<number> {
  const config = await loadConfig(flags.config)
  const services = selectedServices(config, flags.service)
  const backend = await loadCatalogBackend(config.catalog.type)
  const report = await withStore(config, async (store) => {
    const catalog = await backend.openReader(config, store)
    try {
      return await syncRun(config, catalog.reader, { services, dryRun: flags.dryRun === true, store })
    } finally {
      await catalog.close()
    }
  })
  return printReport(report, flags.json)
}

export function registerSync(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('sync')
    .description('batch: the catalog state of every asset against the actual state; write only the difference (drift)')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--service <name>', 'only this service (repeatable)', collectService, [] as string[])
    .option('--dry-run', 'list the drift, write nothing')
    .option('--json', 'print one JSON object')
    .action((flags: SyncFlags) => done(sync(flags)))
}
