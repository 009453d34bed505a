import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * OpenMetadata signs a webhook body as `sha256=` + Base64(HMAC-SHA256(secret, raw body))
 * (CommonUtil.calculateHMAC). Many receivers compare hex digests; both encodings are accepted so
 * a proxy or a hand-written sender using hex is not refused. The comparison is constant-time.
 */
export function verifyWebhookSignature(rawBody: Buffer | string, header: string | undefined, secret: string): boolean {
  if (header === undefined) return false
  const presented = header.trim().replace(/^sha256=/i, '')
  const mac = createHmac('sha256', secret).update(rawBody).digest()
  for (const expected of [mac.toString('base64'), mac.toString('hex')]) {
    const a = Buffer.from(presented)
    const b = Buffer.from(expected)
    if (a.length === b.length && timingSafeEqual(a, b)) return true
  }
  return false
}

/** The header value OpenMetadata would send for `rawBody`: for tests and for revmeta's own catalog. */
export function signWebhookBody(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('base64')}`
}
