import { existsSync } from 'node:fs'
import path from 'node:path'
import { storeError } from './store-errors.js'
import { sqliteFileName } from './sqlite-runner.js'

/**
 * revmeta up to 0.1 kept its embedded store as a PGlite data directory in store.dir. This
 * revmeta keeps a SQLite file there instead; a directory holding only the old store is refused
 * with what to do, never silently started empty beside it (its queue and history would be lost).
 */
export async function refuseLegacyStore(dir: string): Promise<void> {
  const root = path.resolve(dir)
  if (!existsSync(path.join(root, 'PG_VERSION')) || existsSync(path.join(root, sqliteFileName))) return
  throw storeError(
    'STORE_INCOMPATIBLE',
    `${root} holds an embedded store of an older revmeta (PGlite). Run \`revmeta store upgrade --config <your config>\` (or \`--dir ${root}\`) to copy it into the new embedded store (SQLite) in the same directory, or point store.dir elsewhere.`,
    { details: { store: root } },
  )
}
