import type { Command } from 'commander'
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

function webhookAdmission(config: RevmetaConfig, catalog: CatalogBackend): string {
  return config.catalog.webhookSecret ? 'X-OM-Signature or an editor token' : catalog.webhookAdmissionWithoutSecret
}

async function serve(flags: { config: string }): Promise<number> {
  const config = await loadConfig(flags.config)
  const catalog = await loadCatalogBackend(config.catalog.type)
  const log = (line: string) => process.stderr.write(`revmeta serve: ${line}\n`)
  const store = await openStore(config.store)
  const stop = new AbortController()
  const worker = new Worker(store, config, { signal: stop.signal, log })
  const metrics = new ServerMetrics()
  const extra = await catalog.routePlugins()
  // Owners named by id alone are named per delivery; the store is open for the server's life.
  const ownerDirectory = () => catalog.ownerDirectory(config, store)
  const app = await buildApp({ config, store, metrics, log, onQueued: () => worker.nudge(), ownerDirectory }, extra)
  const tasks: Promise<void>[] = []
  try {
    const address = await app.listen({ host: config.server.host, port: config.server.port })
    log(`listening on ${address}; OpenMetadata webhook at ${address}${webhookPath} (${webhookAdmission(config, catalog)})`)
    if (config.server.auth === 'none') log('server.auth is none: every request on this loopback address acts as admin')
    else if ((await TokenStore.of(store).activeCount()) === 0) log('no API token yet: every route but /healthz answers 401; make one with revmeta token create --config <file> --role admin')
    tasks.push(worker.run())
    const client = catalog.pollClient(config)
    if (client) {
      tasks.push(pollLoop(config, store, client, { intervalMs: config.catalog.pollIntervalMs, signal: stop.signal, log, owners: ownerDirectory }))
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    log('stopping')
  } finally {
    stop.abort()
    await app.close()
    await Promise.allSettled(tasks)
    await store.close()
  }
  return 0
}

export function registerServe(program: Command, done: (code: Promise<number>) => void): void {
  program
    .command('serve')
    .description('HTTP API, OpenMetadata webhook receiver, poller, worker and metrics, until stopped')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .action((flags: { config: string }) => done(serve(flags)))
}
