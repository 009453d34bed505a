import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { writeJsonReport } from '../../src/cli/actions/write-json-report.js'
import type { OperationReport, RunReport } from '../../src/model/report.js'

function written(report: RunReport): { text: string; writes: number } {
  const parts: string[] = []
  writeJsonReport(report, (text) => parts.push(text))
  return { text: parts.join(''), writes: parts.length }
}

function op(i: number, text: string): OperationReport {
  return {
    id: `default|svc.db.s.t${i}|description`,
    channel: 'default',
    service: 'svc',
    asset: `svc.db.s.t${i}`,
    level: 'table',
    kind: 'description',
    status: 'applied',
    statements: [`COMMENT ON TABLE "s"."t${i}" IS '${text}'`],
    statementDetails: [{ kind: 'sql', database: 'db', sql: `COMMENT ON TABLE "s"."t${i}" IS '${text}'` }],
    warnings: i % 2 === 0 ? [] : ['a warning'],
    origins: [{ index: i, eventId: `e${i}`, user: undefined }],
    desired: text,
    current: null,
    verified: true,
  }
}

function report(operations: OperationReport[], extra: Partial<RunReport> = {}): RunReport {
  return {
    mode: 'apply',
    warnings: ['w "1"\n  "operations": []'],
    summary: { total: operations.length, applied: operations.length },
    operations,
    input: { items: operations.length, changes: operations.length, ignored: { 'field:x': 2 }, errors: [] },
    ...extra,
  }
}

describe('writeJsonReport', () => {
  it('writes exactly JSON.stringify(report, null, 2) and a newline, with and without operations', () => {
    for (const r of [report([]), report([op(0, 'one')]), report([0, 1, 2].map((i) => op(i, `multi\nline "quoted" ${i}`)), { runId: 7 })]) {
      expect(written(r).text).toBe(`${JSON.stringify(r, null, 2)}\n`)
    }
  })

  it('matches JSON.stringify for any texts, newlines and quotes included', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 20 }), fc.array(fc.string(), { maxLength: 3 }), (texts, warnings) => {
        const r = report(
          texts.map((t, i) => op(i, t)),
          { warnings },
        )
        expect(written(r).text).toBe(`${JSON.stringify(r, null, 2)}\n`)
      }),
    )
  })

  it('hands a large report on in several chunks, never as one string', () => {
    const big = report(Array.from({ length: 5_000 }, (_, i) => op(i, 'x'.repeat(200))))
    const { text, writes } = written(big)
    expect(writes).toBeGreaterThan(2)
    expect(text).toBe(`${JSON.stringify(big, null, 2)}\n`)
  })
})
