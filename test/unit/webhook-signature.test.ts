import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signWebhookBody, verifyWebhookSignature } from '../../src/openmetadata/webhook-signature.js'

const body = '{"id":"e1","entityType":"table","description":"naïve ✓"}'

describe('OpenMetadata webhook signature', () => {
  it('is sha256= plus the Base64 HMAC of the raw body, as OpenMetadata computes it', () => {
    const expected = createHmac('sha256', 's3cret').update(Buffer.from(body, 'utf8')).digest('base64')
    expect(signWebhookBody(body, 's3cret')).toBe(`sha256=${expected}`)
    expect(verifyWebhookSignature(Buffer.from(body), `sha256=${expected}`, 's3cret')).toBe(true)
  })

  it('also accepts the hex digest some senders use', () => {
    const hex = createHmac('sha256', 's3cret').update(body).digest('hex')
    expect(verifyWebhookSignature(body, `sha256=${hex}`, 's3cret')).toBe(true)
  })

  it('refuses a missing header, another secret, and a body changed by one byte', () => {
    const header = signWebhookBody(body, 's3cret')
    expect(verifyWebhookSignature(body, undefined, 's3cret')).toBe(false)
    expect(verifyWebhookSignature(body, header, 'other')).toBe(false)
    expect(verifyWebhookSignature(body.replace('e1', 'e2'), header, 's3cret')).toBe(false)
    expect(verifyWebhookSignature(body, 'sha256=', 's3cret')).toBe(false)
  })
})
