import type { IngestSummary } from '../../catalog/ingest.js'
import { loadCatalogBackend } from '../../catalogs/registry.js'
import { loadConfig } from '../../config/load-config.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { exitCodes } from '../exit-codes.js'
import { withStore } from '../with-store.js'
import { withProgress } from '../progress-bar.js'
import { selectedServices } from '../selected-services.js'

export interface IngestFlags {
  config: string
  service: string[]
  json?: boolean
}

export async function runIngest(flags: IngestFlags): Promise<number> {
  const config = await loadConfig(flags.config)
  const catalog = await loadCatalogBackend(config.catalog.type)
  const fill = catalog.ingest
  if (!fill) {
    throw new RevmetaError('CONFIG_INVALID', `revmeta ingest fills the built-in catalog, but catalog.type is ${catalog.type}: use that catalog's own ingestion there.`, { details: { key: 'catalog.type' } })
  }
  selectedServices(config, flags.service)
  const summaries = await withProgress('ingest', flags, (progress) => {
    const log = (line: string) => progress.log(`revmeta ingest: ${line}`)
    return withStore(config, (store) => fill.call(catalog, config, store, { services: flags.service, log, onProgress: progress.onProgress }))
  })
  if (flags.json) process.stdout.write(`${JSON.stringify({ services: summaries }, null, 2)}\n`)
  else for (const summary of summaries) process.stdout.write(describe(summary))
  return summaries.some((s) => s.error !== undefined) ? exitCodes.failed : exitCodes.ok
}

function describe(s: IngestSummary): string {
  const live = (type: keyof IngestSummary['entities']) => {
    const c = s.entities[type]
    return c.created + c.updated + c.unchanged + c.restored
  }
  const total = (outcome: 'created' | 'updated' | 'unchanged' | 'deleted' | 'restored') => Object.values(s.entities).reduce((n, c) => n + c[outcome], 0)
  const lines = [
    `service ${s.service}: ${live('database')} database(s), ${live('databaseSchema')} schema(s), ${live('table')} table(s) and view(s), ${s.columns} column(s)`,
    `  created ${total('created')}, updated ${total('updated')}, unchanged ${total('unchanged')}, restored ${total('restored')}, marked deleted ${total('deleted')}`,
  ]
  if (s.unmatchedOwners.length > 0) lines.push(`  engine owners with no catalog user or team (left without owners): ${s.unmatchedOwners.join(', ')}`)
  if (s.error) lines.push(`  failed: ${s.error.code}: ${s.error.message}`)
  return `${lines.join('\n')}\n`
}

