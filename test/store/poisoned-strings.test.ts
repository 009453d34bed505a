import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OperationReport } from '../../src/model/report.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText, parseStoreJson, storeEscape } from '../../src/store/store-text.js'
import { bothTargets, describeOp, tagsOp } from './store-support.js'

/** Values PostgreSQL text, json or jsonb cannot take as they are, or that look like the encoding itself. */
const poisons = ['nul\u0000here', 'lone high \uD800 x', 'lone low \uDC00', '\uDBFF', 'end high \uD83E', `escape ${storeEscape}0000 itself`, '\\u0000 literal', '\\\u0000', '🦄 pair ok']

describe('store text encoding', () => {
  it('round-trips any string, as text and inside JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...poisons), (random, poison) => {
        const value = `${random}${poison}${random}`
        expect(decodeStoreText(encodeStoreText(value))).toBe(value)
        expect(parseStoreJson(encodeStoreJson({ [value]: [value, { v: value }] }))).toEqual({ [value]: [value, { v: value }] })
        // Nothing a PostgreSQL text or jsonb value refuses is left after encoding.
        expect(encodeStoreText(value)).not.toMatch(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
        expect(encodeStoreJson(value)).not.toMatch(/(?<!\\)(\\\\)*\\u(0000|d[89a-f])/i)
      }),
      { seed: 20261205, numRuns: 500 },
    )
  })

  it('leaves ordinary text and JSON untouched', () => {
    const text = `it's "quoted" \\ \n 🦄 שלום \uFEFF`
    expect(encodeStoreText(text)).toBe(text)
    expect(encodeStoreJson({ text })).toBe(JSON.stringify({ text }))
  })
})

describe.each(bothTargets())('poisoned strings in the store on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('keeps events, operations, reports, errors, audit, notes and cursors exactly, and every read keeps working', async () => {
    const store = await t.fresh()
    const [nul, high] = poisons as [string, string]
    const fresh = await store.recordEvents([
      { id: `ev-${nul}`, source: 'apply', payload: { description: nul, deep: [high, { x: poisons }] } },
      { id: `ev-${high}`, source: `src ${high}`, payload: null },
    ])
    expect(fresh).toEqual(new Set([`ev-${nul}`, `ev-${high}`]))
    expect((await store.recordEvents([{ id: `ev-${nul}`, source: 'apply', payload: {} }])).size).toBe(0)

    const run = await store.createRun('apply', `note ${nul}`)
    const ops = poisons.map((p, i) => describeOp(`t${i}${p}`, p, { eventId: `ev-${p}` }))
    const tags = tagsOp(`tags${nul}`, [`PII.${nul}`, `PII.${high}`], [`Old.${high}`], `ev-${high}`)
    await store.enqueue(run, [...ops, tags])
    // Coalescing merges in SQL (jsonb): the merged tag lists must still compare by encoded keys.
    await store.enqueue(run, [tagsOp(`tags${nul}`, [`PII.${high}`], [`PII.${nul}`], 'ev-2')])
    const claimed = await store.claim('w1', { limit: 100, services: ['warehouse'], maxRunningPerService: { warehouse: 100 } })
    expect(claimed.map((c) => c.op)).toEqual([...ops, expect.objectContaining({ add: [{ tagFQN: `PII.${high}`, source: 'Classification' }], remove: expect.arrayContaining([{ tagFQN: `PII.${nul}`, source: 'Classification' }]) })])
    expect(claimed.map((c) => c.key)).toEqual([...ops.map((o) => o.id), tags.id])

    const reportOf = (i: number, status: OperationReport['status']): OperationReport => ({
      id: claimed[i]!.op.id,
      channel: 'docs',
      service: 'warehouse',
      asset: claimed[i]!.op.id.split('|')[1]!,
      level: 'table',
      kind: claimed[i]!.op.kind,
      status,
      statements: [`COMMENT ON TABLE x IS '${poisons[i % poisons.length]}'`],
      warnings: [`warn ${nul}`],
      origins: [],
    })
    await store.recordAudit(claimed.map((c, i) => ({ operationId: c.id, runId: run, attempt: 1, service: 'warehouse', asset: `asset ${high}`, kind: 'description' as const, statement: `stmt ${poisons[i % poisons.length]}`, before: poisons[i % poisons.length]!, after: nul, outcome: 'sent' as const })))
    await store.settle(
      'w1',
      claimed.map((c, i) => {
        const error = { code: 'VALUE_INVALID' as const, message: `The value ${JSON.stringify(poisons[i % poisons.length])} ${poisons[i % poisons.length]}`, retryable: false }
        return i % 2 === 0 ? { id: c.id, status: 'applied' as const, report: reportOf(i, 'applied'), op: c.op } : { id: c.id, status: 'dead' as const, error, report: { ...reportOf(i, 'failed'), error }, op: c.op }
      }),
    )

    const stored = await store.operations({ runId: run })
    expect(stored.map((s) => s.op)).toEqual(claimed.map((c) => c.op))
    stored.forEach((s, i) => {
      expect(s.report?.statements).toEqual([`COMMENT ON TABLE x IS '${poisons[i % poisons.length]}'`])
      expect(s.report?.warnings).toEqual([`warn ${nul}`])
      if (i % 2 === 1) expect(s.lastError?.message).toBe(`The value ${JSON.stringify(poisons[i % poisons.length])} ${poisons[i % poisons.length]}`)
    })
    const audit = await store.audit({ runId: run })
    expect(audit.map((a) => [a.asset, a.statement, a.before, a.after])).toEqual(claimed.map((_, i) => [`asset ${high}`, `stmt ${poisons[i % poisons.length]}`, poisons[i % poisons.length], nul]))
    expect((await store.finishRun(run)).note).toBe(`note ${nul}`)
    expect((await store.listRuns(5))[0]?.counts).toMatchObject({ total: claimed.length })
    expect(await store.replay(await store.createRun('replay'))).toBe(Math.floor(claimed.length / 2))
    await store.setCursor(`cursor ${high}`, `value ${nul}`)
    expect(await store.getCursor(`cursor ${high}`)).toBe(`value ${nul}`)
  })
})
