import type { FastifyInstance } from 'fastify'
import { errorReport } from '../../model/report.js'
import { RevmetaError, toRevmetaError } from '../../errors/revmeta-error.js'
import { parseEventBody } from '../../inputs/utf8-text.js'
import { intakeEvents } from '../../intake/intake-events.js'
import { verifyWebhookSignature } from '../../openmetadata/webhook-signature.js'
import { webhookPath } from '../../http/webhook-path.js'
import type { ServerContext } from '../server-context.js'

/**
 * OpenMetadata's generic webhook: one ChangeEvent per POST, signed in X-OM-Signature. The auth
 * hook already refused, before the body was read, a request with neither a signature nor an
 * editor token; here a signature is checked against the raw body (kept raw on this route only:
 * the signature covers the exact bytes). The body limit holds while the body streams in. The
 * event is in the store before the 200 goes out, so an acknowledged event is never lost.
 */
export async function webhookRoutes(app: FastifyInstance, { config, store, metrics, onQueued, webhookSecret }: ServerContext): Promise<void> {
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit: config.server.webhookBodyLimit }, (_req, body, done) => done(null, body))
  app.post(webhookPath, async (request, reply) => {
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
    if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'message' in body && !('entityType' in body)) {
      metrics.eventsReceived.inc({ source: 'webhook', outcome: 'test' })
      return reply.send({ status: 'ok', test: true })
    }
    const events = Array.isArray(body) ? body : [body]
    const result = await intakeEvents(config, store, events, 'webhook')
    metrics.eventsReceived.inc({ source: 'webhook', outcome: 'new' }, result.received - result.duplicates)
    metrics.eventsReceived.inc({ source: 'webhook', outcome: 'duplicate' }, result.duplicates)
    metrics.operationsQueued.inc({ source: 'webhook' }, result.operations)
    if (result.operations > 0) onQueued?.()
    return reply.send({ status: 'ok', ...result })
  })
}
