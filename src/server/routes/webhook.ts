import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errorReport } from '../../model/report.js'
import { RevmetaError, toRevmetaError } from '../../errors/revmeta-error.js'
import { eventsOfBody } from '../../inputs/event-batch.js'
import { parseEventBody } from '../../inputs/utf8-text.js'
import { intakeEvents } from '../../intake/intake-events.js'
import { verifyWebhookSignature } from '../../openmetadata/webhook-signature.js'
import { webhookPath } from '../../http/webhook-path.js'
import type { ServerContext } from '../server-context.js'

const isTestMessage = (body: unknown) => body !== null && typeof body === 'object' && !Array.isArray(body) && 'message' in body && !('entityType' in body)

/**
 * OpenMetadata's generic webhook: one ChangeEvent per request (1.x), or a batch (`{"data": [...]}`
 * of the 0.x publisher, or a plain array), by POST or PUT (Webhook.httpMethod), signed in
 * X-OM-Signature. The auth hook already refused, before the body was read, a request with neither
 * a signature nor an editor token; here a signature is checked against the raw body (kept raw on
 * this route only: the signature covers the exact bytes). The body limit holds while the body
 * streams in. Events are in the store before the answer goes out, so an acknowledged event is
 * never lost; the status says what was stored: 200 all of it, 207 some (each event left out is
 * named in `errors`), 4xx none (OpenMetadata then counts the delivery failed, never delivered).
 */
export async function webhookRoutes(app: FastifyInstance, { config, store, metrics, onQueued, webhookSecret, ownerDirectory }: ServerContext): Promise<void> {
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit: config.server.webhookBodyLimit }, (_req, body, done) => done(null, body))
  const receive = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.body as Buffer | undefined
    // Anything but a token or auth none must carry a signature that matches the body.
    const admitted = request.webhookAuth === 'token' || request.webhookAuth === 'open'
    if (!admitted && (webhookSecret === undefined || !verifyWebhookSignature(raw ?? Buffer.alloc(0), request.headers['x-om-signature'] as string | undefined, webhookSecret))) {
      metrics.webhookRejected.inc({ reason: 'bad signature' })
      const error = new RevmetaError('WEBHOOK_SIGNATURE', 'Webhook refused: bad signature')
      return reply.code(401).send({ error: errorReport(error) })
    }
    let body: unknown
    try {
      body = parseEventBody(raw ?? Buffer.alloc(0), config.input)
    } catch (cause) {
      metrics.webhookRejected.inc({ reason: 'not json' })
      return reply.code(400).send({ error: errorReport(toRevmetaError(cause)) })
    }
    // OpenMetadata's "test" button posts {"message": "..."}: acknowledge it, queue nothing.
    if (isTestMessage(body)) {
      metrics.eventsReceived.inc({ source: 'webhook', outcome: 'test' })
      return reply.send({ status: 'ok', test: true })
    }
    const events = eventsOfBody(body)
    if (events.length === 0) {
      metrics.webhookRejected.inc({ reason: 'no events' })
      return reply.code(422).send({ error: errorReport(new RevmetaError('INPUT_MALFORMED', 'Webhook body holds no event: the batch is empty')) })
    }
    const result = await intakeEvents(config, store, events, 'webhook', ownerDirectory ? { owners: ownerDirectory() } : {})
    metrics.eventsReceived.inc({ source: 'webhook', outcome: 'new' }, result.stored - result.duplicates)
    metrics.eventsReceived.inc({ source: 'webhook', outcome: 'duplicate' }, result.duplicates)
    if (result.stored < result.received) metrics.webhookRejected.inc({ reason: result.stored === 0 ? 'no event stored' : 'some events not stored' })
    metrics.operationsQueued.inc({ source: 'webhook' }, result.operations)
    if (result.operations > 0) onQueued?.()
    if (result.stored === 0) return reply.code(422).send({ status: 'rejected', error: result.errors[0], ...result })
    return reply.code(result.errors.length > 0 ? 207 : 200).send({ status: result.errors.length > 0 ? 'partial' : 'ok', ...result })
  }
  app.post(webhookPath, receive)
  app.put(webhookPath, receive)
}
