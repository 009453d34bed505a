import type { FastifyInstance } from 'fastify'
import { webhookPath } from '../../src/http/webhook-path.js'
import { signWebhookBody } from '../../src/openmetadata/webhook-signature.js'

/** Posts a body to the webhook route as OpenMetadata does: JSON, signed with `secret` in X-OM-Signature. */
export function postSignedWebhook(app: FastifyInstance, body: string | Buffer, secret: string) {
  return app.inject({ method: 'POST', url: webhookPath, payload: body, headers: { 'content-type': 'application/json', 'x-om-signature': signWebhookBody(body, secret) } })
}
