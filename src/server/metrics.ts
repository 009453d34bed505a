import { Counter, Gauge, Registry } from 'prom-client'

/** What an operator graphs and alerts on; exposed at /metrics in Prometheus' text format. */
export class ServerMetrics {
  readonly registry = new Registry()
  readonly eventsReceived = new Counter({ name: 'revmeta_events_received_total', help: 'Change events received, by source and outcome', labelNames: ['source', 'outcome'], registers: [this.registry] })
  readonly operationsQueued = new Counter({ name: 'revmeta_operations_queued_total', help: 'Operations queued by real-time intake', labelNames: ['source'], registers: [this.registry] })
  readonly webhookRejected = new Counter({ name: 'revmeta_webhook_rejected_total', help: 'Webhook requests refused, by reason', labelNames: ['reason'], registers: [this.registry] })
  readonly queueDepth = new Gauge({ name: 'revmeta_queue_unsettled', help: 'Operations pending or running in the store', registers: [this.registry] })
  readonly deadLetters = new Gauge({ name: 'revmeta_dead_letters', help: 'Operations in the dead-letter state', registers: [this.registry] })
}
