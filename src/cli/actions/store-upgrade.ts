import { loadConfig } from '../../config/load-config.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { defaultStoreSchema } from '../../store/open-store.js'
import { upgradePgliteStore } from '../../store/pglite-upgrade.js'
import { exitCodes } from '../exit-codes.js'

export interface StoreUpgradeFlags {
  readonly config?: string
  readonly dir?: string
  readonly schema?: string
  readonly json?: boolean
}

export async function storeUpgrade(flags: StoreUpgradeFlags): Promise<number> {
  if ((flags.config === undefined) === (flags.dir === undefined)) {
    throw new RevmetaError('CONFIG_INVALID', 'revmeta store upgrade takes either --config <file> or --dir <store directory>.', { details: { key: 'store.dir' } })
  }
  let dir = flags.dir
  let schema = flags.schema
  if (flags.config !== undefined) {
    const config = await loadConfig(flags.config)
    if (config.store.url !== undefined) {
      throw new RevmetaError('CONFIG_INVALID', 'store.url is set: a PostgreSQL store is migrated when it is opened and needs no upgrade; this command upgrades the embedded store in store.dir.', {
        details: { key: 'store.url' },
      })
    }
    dir = config.store.dir
    schema ??= config.store.schema
  }
  const result = await upgradePgliteStore(dir!, schema ?? defaultStoreSchema)
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return exitCodes.ok
  }
  const copied = Object.entries(result.rows).filter(([, n]) => n > 0).map(([table, n]) => `${n} ${table}`).join(', ')
  const said = {
    copied: `copied the PGlite store into ${result.store} (${copied || 'no rows'}); the old files are in ${result.backup}: delete them once revmeta runs as expected.`,
    finished: `the store was already copied into ${result.store}${result.backup ? `; the old files left over are now in ${result.backup}` : ''}.`,
    none: `no PGlite store in ${dir}: nothing to upgrade.`,
  }[result.outcome]
  process.stderr.write(`revmeta: ${said}\n`)
  return exitCodes.ok
}
