import { openStore, type StoreConfig } from '../store/open-store.js'
import type { StateStore } from '../store/state-store.js'

/** Opens the configured store (migrating it), runs `fn`, and always closes the store. */
export async function withStore<T>(config: { readonly store: StoreConfig }, fn: (store: StateStore) => Promise<T>): Promise<T> {
  const store = await openStore(config.store)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}
