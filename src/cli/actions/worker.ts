import { loadConfig } from '../../config/load-config.js'
import { Worker } from '../../execution/worker.js'
import { withStore } from '../with-store.js'
import { batchLog, cliLogger, lineLog, type LogLevel } from '../cli-logger.js'
import { LiveConfig } from '../../config/live-config.js'
import { reloadUiChannels } from '../../server/ui-channels.js'

/** How often a worker process re-reads the web app's channels (serve sees a save at once; a worker by then). */
const channelRefreshMs = 10_000

export async function work(flags: { config: string; drain?: boolean; logLevel?: LogLevel }): Promise<number> {
  const config = await loadConfig(flags.config)
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const logger = cliLogger('revmeta worker', flags.logLevel ?? config.log.level)
  const log = lineLog(logger)
  try {
    await withStore(config, async (store) => {
      // Channels made in the web app (stored beside the queue) count here too, re-read now and then.
      const live = new LiveConfig(config)
      await reloadUiChannels(live, store, log)
      const refresh = setInterval(() => void reloadUiChannels(live, store, log).catch((error: Error) => log(`channels not re-read: ${error.message}`)), channelRefreshMs)
      refresh.unref()
      stop.signal.addEventListener('abort', () => clearInterval(refresh))
      const worker = new Worker(store, live.config, { signal: stop.signal, log, onSettled: batchLog(logger), ...(flags.drain ? { untilIdle: { waitForRetriesMs: config.execution.waitForRetriesMs } } : {}) })
      log(`${worker.id} started`)
      await worker.run()
      clearInterval(refresh)
      log(`${worker.id} stopped`)
    })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  return 0
}

