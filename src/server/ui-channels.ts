import type { LiveConfig } from '../config/live-config.js'
import type { ResolvedChannel } from '../config/load-config.js'
import { isRevmetaError } from '../errors/revmeta-error.js'
import type { StateStore } from '../store/state-store.js'
import { UiChannelStore } from '../store/ui-channel-store.js'

/**
 * Loads the web app's channels from the store into the live config. A stored channel that no
 * longer validates (its service was removed from the YAML file) is left out and named in the log,
 * rather than stopping the server.
 */
export async function reloadUiChannels(live: LiveConfig, store: StateStore, log: (line: string) => void = () => {}): Promise<void> {
  const channels: ResolvedChannel[] = []
  for (const row of await UiChannelStore.of(store).list()) {
    if (row.body === undefined || live.isYaml(row.name)) continue
    try {
      channels.push(live.resolve(row.body))
    } catch (error) {
      if (!isRevmetaError(error)) throw error
      log(`channel ${row.name} (made in the web app) is left out: ${error.code}: ${error.message.split('\n')[0]}`)
    }
  }
  live.setUiChannels(channels)
}
