import { loadConfig, type RevmetaConfig } from '../../config/load-config.js'
import { Worker } from '../../execution/worker.js'
import { pollLoop } from '../../intake/poller.js'
import { loadCatalogBackend } from '../../catalogs/registry.js'
import type { CatalogBackend } from '../../catalogs/catalog-backend.js'
import { buildApp } from '../../server/build-app.js'
import { ServerMetrics } from '../../server/metrics.js'
import { webhookPath } from '../../http/webhook-path.js'
import { openStore } from '../../store/open-store.js'
import { TokenStore } from '../../store/token-store.js'
import type { StateStore } from '../../store/state-store.js'
import { batchLog, cliLogger, lineLog, type LogLevel } from '../cli-logger.js'
import { LiveConfig } from '../../config/live-config.js'
import { ChannelScheduler } from '../../server/channel-scheduler.js'
import { reloadUiChannels } from '../../server/ui-channels.js'

function webhookAdmission(config: RevmetaConfig, catalog: CatalogBackend): string {
  return config.catalog.webhookSecret ? 'X-OM-Signature or an editor token' : catalog.webhookAdmissionWithoutSecret
}

/**
 * `serve` on a loaded config. `untilStopped` decides when to stop (default: SIGINT or SIGTERM);
 * `revmeta start` uses it to check the app answers and, off a terminal, stop there.
 */
export async function runServer(config: RevmetaConfig, options: { logLevel?: LogLevel; untilStopped?: (address: string, store: StateStore) => Promise<void> } = {}): Promise<number> {
  const flags = options
  const catalog = await loadCatalogBackend(config.catalog.type)
  const logger = cliLogger('revmeta serve', flags.logLevel ?? config.log.level)
  const log = lineLog(logger)
  const store = await openStore(config.store)
  const stop = new AbortController()
  // Channels saved in the web app take effect at once: the worker, webhook and schedules read the live config.
  const live = new LiveConfig(config)
  await reloadUiChannels(live, store, log)
  const worker = new Worker(store, live.config, { signal: stop.signal, log, onSettled: batchLog(logger) })
  const metrics = new ServerMetrics()
  const extra = await catalog.routePlugins()
  // Owners named by id alone are named per delivery; the store is open for the server's life.
  const ownerDirectory = () => catalog.ownerDirectory(live.config, store)
  const scheduler = new ChannelScheduler(live.config, store, catalog, () => worker.nudge(), log)
  await scheduler.refresh()
  const onChannelsChanged = () => void scheduler.refresh().catch((error: Error) => log(`schedules not refreshed: ${error.message}`))
  const app = await buildApp({ config: live.config, live, catalogBackend: catalog, onChannelsChanged, store, metrics, log, onQueued: () => worker.nudge(), ownerDirectory }, extra, { requestLog: (line) => logger.info(line, 'request') })
  const tasks: Promise<void>[] = []
  try {
    const address = await app.listen({ host: config.server.host, port: config.server.port })
    log(`listening on ${address}; OpenMetadata webhook at ${address}${webhookPath} (${webhookAdmission(config, catalog)})`)
    if (config.server.auth === 'none') log('server.auth is none: every request on this loopback address acts as admin')
    else if ((await TokenStore.of(store).activeCount()) === 0) log('no API token yet: every route but the signed webhook answers 401; make one with revmeta token create --config <file> --role admin')
    tasks.push(worker.run())
    const client = catalog.pollClient(config)
    if (client) {
      tasks.push(pollLoop(config, store, client, { intervalMs: config.catalog.pollIntervalMs, signal: stop.signal, log, owners: ownerDirectory }))
    }
    await (options.untilStopped?.(address, store) ?? stopSignal())
    log('stopping')
  } finally {
    scheduler.stop()
    stop.abort()
    await app.close()
    await Promise.allSettled(tasks)
    await store.close()
  }
  return 0
}

export function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
}

export async function serve(flags: { config: string; logLevel?: LogLevel }): Promise<number> {
  return runServer(await loadConfig(flags.config), flags.logLevel ? { logLevel: flags.logLevel } : {})
}

