import { openCatalog } from '../catalog/open-catalog.js'
import type { RevmetaConfig } from '../config/load-config.js'
import { cachedDirectory, type OwnerDirectory } from '../owners/owner-directory.js'
import { openStore } from '../store/open-store.js'
import type { StateStore } from '../store/state-store.js'
import type { ClosableOwnerDirectory } from './catalog-backend.js'
import { builtinOwnerDirectory } from './owner-directories.js'

/**
 * The built-in catalog's users and teams, in the state store. A run that has the store open
 * (apply, serve) reads through it; one that does not (plan, apply --no-store) opens the store
 * only when an id-only owner is first looked up, and closes it with the directory.
 */
export function builtinStoreOwnerDirectory(config: RevmetaConfig, store?: StateStore): ClosableOwnerDirectory {
  let opened: Promise<StateStore> | undefined
  const storeOf = () => (store ? Promise.resolve(store) : (opened ??= openStore(config.store)))
  let inner: Promise<OwnerDirectory> | undefined
  const directory = cachedDirectory({
    async findOwner(type, id) {
      inner ??= storeOf().then((s) => builtinOwnerDirectory(openCatalog(s, { delivery: false })))
      return (await inner).findOwner(type, id)
    },
  })
  return {
    ...directory,
    async close() {
      if (opened) await (await opened.catch(() => undefined))?.close()
    },
  }
}
