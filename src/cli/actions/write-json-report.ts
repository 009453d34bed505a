import type { RunReport } from '../../model/report.js'

/** Operations serialized per write: about half a megabyte of text, few system calls, never one huge string. */
const chunkOperations = 500

// `{"operations": chunk}` at two-space indentation puts each element exactly where it sits in the
// report (the report's operations are at the same depth), between this opening and closing.
const chunkOpen = '{\n  "operations": [\n'
const chunkClose = '\n  ]\n}'

/**
 * Writes exactly `JSON.stringify(report, null, 2)` and a newline, without ever holding it whole.
 * A report of tens of thousands of operations is tens of megabytes of text: built as one string
 * and then encoded as one buffer, it cost more time (and memory) than the rest of the output
 * path. The operations are serialized a chunk at a time and handed on as they are.
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
  write(`${frame.slice(0, open)}\n`)
  for (let start = 0; start < operations.length; start += chunkOperations) {
    const text = JSON.stringify({ operations: operations.slice(start, start + chunkOperations) }, null, 2)
    const body = text.slice(chunkOpen.length, text.length - chunkClose.length)
    write(start === 0 ? body : `,\n${body}`)
  }
  write(`\n  ${frame.slice(open)}\n`)
}
