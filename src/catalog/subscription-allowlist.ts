import type { AddressInfo } from 'node:net'
import type { RevmetaConfig } from '../config/load-config.js'
import { selfWebhookUrl } from './self-subscription.js'

/**
 * True when `endpoint` lies under one of `prefixes`: same scheme, host and port, and a path that
 * is the prefix's path or continues it at a `/`. Compared on parsed URLs, so
 * `http://good.example.evil.com` never passes for `http://good.example`, nor `/hooks-evil` for `/hooks`.
 */
export function endpointAllowed(endpoint: string, prefixes: readonly string[]): boolean {
  let target: URL
  try {
    target = new URL(endpoint)
  } catch {
    return false
  }
  if (target.username !== '' || target.password !== '') return false
  return prefixes.some((prefix) => {
    let allowed: URL
    try {
      allowed = new URL(prefix)
    } catch {
      return false
    }
    if (allowed.origin !== target.origin) return false
    const base = allowed.pathname
    if (base === '/' || target.pathname === base) return true
    return target.pathname.startsWith(base.endsWith('/') ? base : `${base}/`)
  })
}

/**
 * The check every delivery and every new subscription goes through: revmeta's own webhook (at the
 * listening address when there is one, else as configured) and catalog.subscriptions.allow. `serve`
 * and `ingest` both deliver, so both use this one.
 */
export function configuredAllowlist(config: RevmetaConfig, address?: () => AddressInfo | string | null): (endpoint: string) => boolean {
  return (endpoint) => endpointAllowed(endpoint, [selfWebhookUrl(config, address?.()), ...config.catalog.subscriptions.allow])
}
