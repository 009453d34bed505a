import { describe, expect, it } from 'vitest'
import { formatReport, problemRows, routineRows } from '../../src/cli/print-report.js'
import { summarize, type OperationReport, type RunReport } from '../../src/model/report.js'

const op = (i: number, status: OperationReport['status']): OperationReport => ({
  id: `docs|svc.db.s.t${i}|description`,
  channel: 'docs',
  service: 'svc',
  asset: `svc.db.s.t${i}`,
  level: 'table',
  kind: 'description',
  status,
  statements: status === 'applied' ? [`COMMENT ON TABLE t${i} IS 'x'`] : [],
  warnings: i % 2 === 0 ? ['long text cut'] : [],
  origins: [],
  ...(status === 'failed' ? { error: { code: 'OBJECT_NOT_FOUND', message: `no table t${i}`, retryable: false } } : {}),
})

function report(ops: OperationReport[]): RunReport {
  return {
    mode: 'apply',
    warnings: [],
    operations: ops,
    input: { items: ops.length, changes: ops.length, errors: [], ignored: {} },
    summary: summarize(ops, 0),
  } as unknown as RunReport
}

describe('the human report', () => {
  it('shows every failed operation and a sample of the applied ones, and says how many it left out', () => {
    const ops = [...Array.from({ length: 20_000 }, (_, i) => op(i, 'applied')), op(20_000, 'failed'), op(20_001, 'failed')]
    const text = formatReport(report(ops))
    expect(text).toContain('no table t20000')
    expect(text).toContain('no table t20001')
    expect(text).toContain('svc.db.s.t0 ')
    expect(text).not.toContain(`svc.db.s.t${routineRows + 5} `)
    expect(text).toContain(`… ${20_000 - routineRows} more operation(s) not shown (${20_000 - routineRows} applied); --json prints every operation.`)
    expect(text.split('\n').filter((l) => l.startsWith('warning:'))).toHaveLength(200)
    expect(text).toContain('more warning(s); --json prints them all.')
    expect(text.split('\n').at(-1)).toMatch(/^apply: 20002 input item\(s\), 20002 change\(s\), 20002 operation\(s\): 20000 applied, 2 failed/)
  })

  it('prints a small run whole, with no note', () => {
    const text = formatReport(report([op(1, 'applied'), op(2, 'unsupported')]))
    expect(text).toContain('svc.db.s.t1 ')
    expect(text).toContain('svc.db.s.t2 ')
    expect(text).not.toContain('not shown')
    expect(problemRows).toBeGreaterThan(routineRows)
  })
})
