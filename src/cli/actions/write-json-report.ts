import type { RunReport } from '../../model/report.js'

/** Text handed to the output per write: large enough for few system calls, small enough to stay cheap. */
const chunkChars = 1 << 20

/**
 * Writes exactly `JSON.stringify(report, null, 2)` and a newline, without ever holding it whole.
 * A report of tens of thousands of operations is tens of megabytes of text: built as one string
 * and then encoded as one buffer, it cost more time (and memory) than the rest of the output
 * path. The operations are serialized one by one and handed on in chunks of about a megabyte.
 */
export function writeJsonReport(report: RunReport, write: (text: string) => void): void {
  const operations = report.operations
  // With two-space indentation, a top-level key is the only text that starts a line with exactly
  // two spaces and a quote: string values cannot hold a raw newline, deeper keys are indented more.
  const frame = operations.length === 0 ? '' : JSON.stringify({ ...report, operations: [] }, null, 2)
  const slot = '\n  "operations": []'
  const at = frame.indexOf(slot)
  if (at < 0) {
    write(`${JSON.stringify(report, null, 2)}\n`)
    return
  }
  const open = at + slot.length - 1
  let parts: string[] = [frame.slice(0, open)]
  let size = open
  for (let i = 0; i < operations.length; i++) {
    // An element at depth two is indented four more spaces than it would be on its own.
    const text = `${i === 0 ? '\n    ' : ',\n    '}${JSON.stringify(operations[i], null, 2).replaceAll('\n', '\n    ')}`
    parts.push(text)
    size += text.length
    if (size >= chunkChars) {
      write(parts.join(''))
      parts = []
      size = 0
    }
  }
  parts.push(`\n  ${frame.slice(open)}\n`)
  write(parts.join(''))
}
