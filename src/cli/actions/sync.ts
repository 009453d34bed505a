import { loadCatalogBackend } from '../../catalogs/registry.js'
import { loadConfig } from '../../config/load-config.js'
import { syncRun } from '../../sync/sync-run.js'
import { printReport } from './run-command.js'
import { withStore } from '../with-store.js'
import { withProgress } from '../progress-bar.js'
import { selectedServices } from '../selected-services.js'

export interface SyncFlags {
  config: string
  service: string[]
  dryRun?: boolean
  json?: boolean
}

export async function sync(flags: SyncFlags): Promise<number> {
  const config = await loadConfig(flags.config)
  const services = selectedServices(config, flags.service)
  const backend = await loadCatalogBackend(config.catalog.type)
  const report = await withProgress('sync', flags, (progress) =>
    withStore(config, async (store) => {
      const catalog = await backend.openReader(config, store)
      try {
        return await syncRun(config, catalog.reader, { services, dryRun: flags.dryRun === true, store, onProgress: progress.onProgress })
      } finally {
        await catalog.close()
      }
    }),
  )
  return printReport(report, flags.json)
}

