/**
 * Node's socket and DNS error codes that mean the network, not the statement, failed: the same
 * request may pass once the peer or the route is back, so they classify as retryable
 * CONNECTION_FAILED. A driver adds its own (mysql2's PROTOCOL_CONNECTION_LOST, undici's
 * UND_ERR_SOCKET) through `extra`.
 */
export const networkErrnos: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED'])

export function isNetworkErrno(code: string | undefined, extra: ReadonlySet<string> = new Set()): boolean {
  return code !== undefined && (networkErrnos.has(code) || extra.has(code))
}
