import type { AddressInfo } from 'node:net'
import type { RevmetaConfig } from '../config/load-config.js'
import { webhookPath } from '../http/webhook-path.js'
import type { CatalogService } from './catalog-service.js'
import type { Subscription } from './subscriptions.js'

/** The subscription `revmeta serve` keeps to its own webhook receiver. */
export const selfSubscriptionName = 'revmeta-serve'

/**
 * Where this server receives webhooks: `server.publicUrl` when set (its path, or the webhook path
 * when it has none), else the listening address. A wildcard bind address is reached on loopback.
 */
export function selfWebhookUrl(config: RevmetaConfig, address?: AddressInfo | string | null): string {
  const publicUrl = config.server.publicUrl
  if (publicUrl !== undefined) {
    const url = new URL(publicUrl)
    if (url.pathname === '' || url.pathname === '/') url.pathname = webhookPath
    return url.toString()
  }
  const port = address !== null && typeof address === 'object' ? address.port : config.server.port
  let host = config.server.host
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1'
  else if (host === '::') host = '::1'
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${webhookPath}`
}

/**
 * Creates or corrects the subscription, so an edit made through the catalog API reaches the
 * database by the same webhook path an OpenMetadata server would use. The secret is the one the
 * receiver checks: `catalog.webhookSecret`, or the random one `revmeta serve` made for itself.
 */
export async function ensureSelfSubscription(catalog: CatalogService, config: RevmetaConfig, address?: AddressInfo | string | null, secret = config.catalog.webhookSecret): Promise<Subscription> {
  const endpoint = selfWebhookUrl(config, address)
  return catalog.subscriptions.upsert({ name: selfSubscriptionName, endpoint, ...(secret === undefined ? {} : { secretKey: secret }), httpMethod: 'POST', headers: {}, enabled: true })
}
