import Table from 'cli-table3'
import type { OperationReport, RunReport } from '../model/report.js'
import { describeOrder } from '../model/order.js'

const width = (n: number) => (s: string) => {
  const oneLine = s.replace(/\r?\n/g, '⏎')
  return [...oneLine].length > n ? `${[...oneLine].slice(0, n - 1).join('')}…` : oneLine
}

function detail(op: OperationReport): string {
  if (op.error) return width(300)(`${op.error.code}: ${op.error.message}`)
  if (op.statements.length > 0) return op.statements.map(width(88)).join('\n')
  if (op.status === 'superseded' && op.supersededBy) return `not sent: newer already applied (${describeOrder(op.supersededBy)})`
  if (op.status === 'unchanged') return op.kind === 'owners' ? `already owned by ${op.current ?? 'nobody'}` : 'already in place'
  return ''
}

/** Operations whose outcome is what was asked for: a terminal shows a sample of them, every other one in full (up to problemRows). */
const routine = new Set<OperationReport['status']>(['planned', 'applied', 'unchanged'])
export const routineRows = 50
export const problemRows = 500
const warningLines = 200

/**
 * The human view: one row per operation that needs a look (failed, unsupported, skipped,
 * superseded, queued) and a sample of the rest, then what was skipped or rejected in the input.
 * A run of 20,000 operations printed whole is a table no one reads (and took longer to draw than
 * the run took); --json gives every operation.
 */
export function formatReport(report: RunReport): string {
  const lines: string[] = report.warnings.map((w) => `warning: ${w}`)
  if (report.operations.length > 0) {
    const problems = report.operations.filter((op) => !routine.has(op.status))
    const shown = new Set([...problems.slice(0, problemRows), ...report.operations.filter((op) => routine.has(op.status)).slice(0, routineRows)])
    const table = new Table({ head: ['status', 'channel', 'asset', 'kind', report.mode === 'plan' ? 'statement (would run)' : 'statement / result'], style: { head: [], border: [] }, colWidths: [13, 10, 46, 13, 92], wordWrap: true, wrapOnWordBoundary: false })
    for (const op of report.operations) {
      if (!shown.has(op)) continue
      const status = op.status === 'applied' && op.verified ? 'applied ✓' : op.status
      table.push([status, op.channel, op.asset, op.kind, detail(op)])
    }
    lines.push(table.toString())
    const hidden = report.operations.length - shown.size
    if (hidden > 0) lines.push(`… ${hidden} more operation(s) not shown (${countByStatus(report.operations.filter((op) => !shown.has(op)))}); --json prints every operation.`)
  } else {
    lines.push('No operations.')
  }
  let warned = 0
  for (const op of report.operations) {
    for (const w of op.warnings) if (warned++ < warningLines) lines.push(`warning: ${op.asset} ${op.kind}: ${w}`)
  }
  if (warned > warningLines) lines.push(`… ${warned - warningLines} more warning(s); --json prints them all.`)
  for (const e of report.input.errors) lines.push(`rejected input: ${e.code}: ${e.message}`)
  const ignored = Object.entries(report.input.ignored)
  if (ignored.length > 0) lines.push(`ignored: ${ignored.map(([reason, n]) => `${n} × ${reason}`).join(', ')}`)
  const s = report.summary
  const counts = Object.entries(s).filter(([k, n]) => k !== 'total' && n > 0).map(([k, n]) => `${n} ${k}`)
  lines.push(`${report.mode}: ${report.input.items} input item(s), ${report.input.changes} change(s), ${s.total} operation(s)${counts.length ? ': ' + counts.join(', ') : ''}`)
  return lines.join('\n')
}

function countByStatus(ops: readonly OperationReport[]): string {
  const counts = new Map<string, number>()
  for (const op of ops) counts.set(op.status, (counts.get(op.status) ?? 0) + 1)
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ')
}
