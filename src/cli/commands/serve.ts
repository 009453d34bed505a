import type { Command } from 'commander'
import { loadConfig, type RevmetaConfig } from '../../config/load-config.js'
import { Worker } from '../../execution/worker.js'
import { pollLoop } from '../../intake/poller.js'
import { OpenMetadataClient } from '../../openmetadata/om-client.js'
import { buildApp, type RoutePlugin } from '../../server/build-app.js'
import { ServerMetrics } from '../../server/metrics.js'
import { webhookPath } from '../../server/routes/webhook.js'
import { openStore } from '../../store/open-store.js'
import { TokenStore } from '../../store/token-store.js'

/** Extra route plugins per catalog type; the built-in catalog registers its API here. */
export const catalogPlugins: { builtin?: () => Promise<RoutePlugin> } = {}

function webhookAdmission(config: RevmetaConfig): string {
  if (config.catalog.webhookSecret) return 'X-OM-Signature or an editor token'
  return config.catalog.type === 'builtin' ? "an editor token, or the built-in catalog's own signature" : 'an editor token (no catalog.webhookSecret set)'
}

async function serve(flags: { config: string }): Promise<number> {
  const config = await loadConfig(flags.config)
  const log = (line: string) => process.stderr.write(`revmeta serve: ${line}\n`)
  const store = await openStore(config.store)
  const stop = new AbortController()
  const worker = new Worker(store, config, { signal: stop.signal, log })
  const metrics = new ServerMetrics()
  const extra = config.catalog.type === 'builtin' && catalogPlugins.builtin ? [await catalogPlugins.builtin()] : []
  const app = await buildApp({ config, store, metrics, log, onQueued: () => worker.nudge() }, extra)
  const tasks: Promise<void>[] = []
  try {
    const address = await app.listen({ host: config.server.host, port: config.server.port })
    log(`listening on ${address}; OpenMetadata webhook at ${address}${webhookPath} (${webhookAdmission(config)})`)
    if (config.server.auth === 'none') log('server.auth is none: every request on this loopback address acts as admin')
    else if ((await TokenStore.of(store).activeCount()) === 0) log('no API token yet: every route but /healthz answers 401; make one with revmeta token create --config <file> --role admin')
    tasks.push(worker.run())
    if (config.catalog.type === 'openmetadata' && config.catalog.poll) {
      const client = new OpenMetadataClient({ url: config.catalog.url!, token: config.catalog.token, timeoutMs: config.catalog.timeoutMs })
      tasks.push(pollLoop(config, store, client, { intervalMs: config.catalog.pollIntervalMs, signal: stop.signal, log }))
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
