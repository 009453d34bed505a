import type { PrivilegeFinding } from '../model/privilege.js'
import type { ServiceCheck } from './check-service.js'

/** The distinct grant statements of a check's missing privileges, in order. */
export function missingGrants(findings: readonly PrivilegeFinding[]): string[] {
  return [...new Set(findings.flatMap((f) => (f.held || f.grant === undefined ? [] : [f.grant])))]
}

/** The human view of `revmeta check`: per service its state, one line per finding, then the grants to run. */
export function formatChecks(checks: readonly ServiceCheck[]): string {
  const lines: string[] = []
  for (const check of checks) {
    const state = check.ok ? 'ok' : check.connected ? 'missing privileges' : 'not checked'
    lines.push(`${check.service} (${check.engine}${check.version ? ` ${check.version}` : ''}): ${state}`)
    if (check.error) lines.push(`  ${check.error.code}: ${check.error.message}`)
    if (check.connected && check.findings.length === 0 && !check.error) lines.push('  nothing to check: no channel writes to this service')
    for (const f of check.findings) lines.push(`  ${f.held ? '✓' : '✗'} ${f.kind.padEnd(11)} ${f.level.padEnd(8)} ${f.object}: ${f.privilege}`)
    const grants = missingGrants(check.findings)
    if (grants.length > 0) lines.push('  to grant what is missing, run as an administrator:', ...grants.map((g) => `    ${g}`))
  }
  return lines.join('\n')
}
