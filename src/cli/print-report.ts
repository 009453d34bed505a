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

/** The human view: one row per operation, then what was skipped or rejected in the input. */
export function formatReport(report: RunReport): string {
  const lines: string[] = report.warnings.map((w) => `warning: ${w}`)
  if (report.operations.length > 0) {
    const table = new Table({ head: ['status', 'channel', 'asset', 'kind', report.mode === 'plan' ? 'statement (would run)' : 'statement / result'], style: { head: [], border: [] }, colWidths: [13, 10, 46, 13, 92], wordWrap: true, wrapOnWordBoundary: false })
    for (const op of report.operations) {
      const status = op.status === 'applied' && op.verified ? 'applied ✓' : op.status
      table.push([status, op.channel, op.asset, op.kind, detail(op)])
    }
    lines.push(table.toString())
  } else {
    lines.push('No operations.')
  }
  for (const op of report.operations) for (const w of op.warnings) lines.push(`warning: ${op.asset} ${op.kind}: ${w}`)
  for (const e of report.input.errors) lines.push(`rejected input: ${e.code}: ${e.message}`)
  const ignored = Object.entries(report.input.ignored)
  if (ignored.length > 0) lines.push(`ignored: ${ignored.map(([reason, n]) => `${n} × ${reason}`).join(', ')}`)
  const s = report.summary
  const counts = Object.entries(s).filter(([k, n]) => k !== 'total' && n > 0).map(([k, n]) => `${n} ${k}`)
  lines.push(`${report.mode}: ${report.input.items} input item(s), ${report.input.changes} change(s), ${s.total} operation(s)${counts.length ? ': ' + counts.join(', ') : ''}`)
  return lines.join('\n')
}
