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
