import { isIPv4, isIPv6 } from 'node:net'

/**
 * True when a bind address only accepts connections from this machine: 127.0.0.0/8, ::1 (also
 * IPv4-mapped), or the name localhost. Anything else, wildcards included, can be reached from outside.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (h === 'localhost') return true
  if (isIPv4(h)) return h.startsWith('127.')
  if (isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
    return mapped !== null && mapped[1]!.startsWith('127.')
  }
  return false
}
