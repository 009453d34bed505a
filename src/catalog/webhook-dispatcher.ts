import { signWebhookBody } from '../openmetadata/webhook-signature.js'
import type { Subscription } from './subscriptions.js'

export interface DeliveryOptions {
  /** Extra attempts after the first, for network errors, timeouts, 5xx, 408 and 429 (default 3). */
  readonly retries?: number
  /** Wait before retry `attempt` (0-based); default 250 ms, 1 s, 4 s, ... capped at 30 s. */
  readonly backoffMs?: (attempt: number) => number
  readonly timeoutMs?: number
  readonly log?: (line: string) => void
  readonly fetch?: typeof fetch
  /** Subscriptions whose endpoint fails this are skipped (one made before an allowlist existed). */
  readonly allowEndpoint?: (endpoint: string) => boolean
}

interface Identified {
  readonly id?: unknown
}

/**
 * Posts stored ChangeEvents to the enabled subscriptions the way OpenMetadata's generic webhook
 * does: one event per request, JSON, `X-OM-Signature: sha256=<base64 HMAC>` when the subscription
 * has a secret. Deliveries run in the background, in event order per subscription (a later edit
 * must not land before an earlier one), each with a few retries; a failure is logged and the
 * next event still goes out. The events stay in the catalog, so a receiver that missed some can
 * read them from GET /api/v1/events.
 */
export class WebhookDispatcher {
  private readonly chains = new Map<string, Promise<void>>()
  private head: Promise<void> = Promise.resolve()
  private readonly stop = new AbortController()
  private pending = 0
  private dropped = 0

  constructor(
    private readonly targets: () => Promise<readonly Subscription[]>,
    private readonly options: DeliveryOptions = {},
  ) {}

  private readonly refused = new Set<string>()

  /** An endpoint off the allowlist gets nothing; said once per subscription. */
  private allowed(subscription: Subscription): boolean {
    if (this.options.allowEndpoint === undefined || this.options.allowEndpoint(subscription.endpoint)) return true
    if (!this.refused.has(subscription.id)) this.log(`subscription ${subscription.name} is skipped: its endpoint is not on catalog.subscriptions.allow`)
    this.refused.add(subscription.id)
    return false
  }

  /** Queues the events for every enabled subscription and returns at once; never throws. */
  dispatch(events: readonly Identified[]): void {
    if (events.length === 0 || this.stop.signal.aborted) return
    this.pending += 1
    this.head = this.head
      .then(async () => {
        let subscriptions: readonly Subscription[]
        try {
          subscriptions = (await this.targets()).filter((s) => s.enabled && this.allowed(s))
        } catch (error) {
          this.log(`cannot read webhook subscriptions, ${events.length} event(s) not delivered: ${(error as Error).message}`)
          return
        }
        for (const subscription of subscriptions) {
          const previous = this.chains.get(subscription.id) ?? Promise.resolve()
          this.pending += 1
          const next = previous.then(async () => {
            try {
              for (const event of events) await this.deliver(subscription, event)
            } finally {
              this.pending -= 1
            }
          })
          this.chains.set(subscription.id, next)
        }
      })
      .finally(() => {
        this.pending -= 1
      })
  }

  /** Resolves once every queued delivery has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.pending > 0) {
      await this.head
      await Promise.all(this.chains.values())
      if (this.pending > 0) await new Promise((r) => setTimeout(r, 5))
    }
  }

  /** Waits up to `graceMs` for deliveries in flight, then abandons the rest (they stay readable as events). */
  async close(graceMs = 5_000): Promise<{ undelivered: number }> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.idle(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))])
    clearTimeout(timer)
    this.stop.abort()
    await this.idle()
    return { undelivered: this.dropped }
  }

  private async deliver(subscription: Subscription, event: Identified): Promise<void> {
    if (this.stop.signal.aborted) {
      this.dropped += 1
      return
    }
    const body = JSON.stringify(event)
    const headers: Record<string, string> = { 'content-type': 'application/json', ...subscription.headers }
    if (subscription.secret) headers['X-OM-Signature'] = signWebhookBody(body, subscription.secret)
    const retries = this.options.retries ?? 3
    const fetchImpl = this.options.fetch ?? fetch
    let why = ''
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && !(await this.wait(this.backoff(attempt - 1)))) break
      try {
        const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)])
        const response = await fetchImpl(subscription.endpoint, { method: subscription.httpMethod, headers, body, signal })
        await response.arrayBuffer().catch(() => undefined)
        if (response.ok) return
        why = `answered ${response.status}`
        if (response.status < 500 && response.status !== 408 && response.status !== 429) break
      } catch (error) {
        why = (error as Error).message
        if (this.stop.signal.aborted) break
      }
    }
    if (this.stop.signal.aborted) this.dropped += 1
    this.log(`webhook delivery of event ${String(event.id)} to subscription ${subscription.name} (${subscription.endpoint}) failed: ${why}`)
  }

  private backoff(attempt: number): number {
    return this.options.backoffMs?.(attempt) ?? Math.min(30_000, 250 * 4 ** attempt)
  }

  /** False when the dispatcher closed while waiting. */
  private wait(ms: number): Promise<boolean> {
    if (this.stop.signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.stop.signal.removeEventListener('abort', onAbort)
        resolve(true)
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        resolve(false)
      }
      this.stop.signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  private log(line: string): void {
    ;(this.options.log ?? ((l: string) => process.stderr.write(`revmeta catalog: ${l}\n`)))(line)
  }
}
