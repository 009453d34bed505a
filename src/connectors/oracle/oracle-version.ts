/**
 * Schema annotations arrived in 23ai and were backported to 19c Release Update 19.28: the
 * version string the server reports (`23.4.0.24.5`, `19.28.0.0.0`) decides whether tags can be
 * written. Unknown (offline without a configured version): no.
 */
export function oracleHasAnnotations(version: string | undefined): boolean {
  if (version === undefined) return false
  const match = /^(\d+)(?:\.(\d+))?/.exec(version.trim())
  if (match === null) return false
  const major = Number(match[1])
  const update = Number(match[2] ?? 0)
  return major >= 23 || (major === 19 && update >= 28)
}
