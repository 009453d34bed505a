import { describe, expect, it } from 'vitest'
import { executeSqlBatches, joinScript } from '../../src/connectors/kit/sql-batch.js'
import { fitLength, measureLength } from '../../src/descriptions/fit-length.js'
import { boundSqlStatement, displayOf, routeOf, sqlStatement } from '../../src/model/statement.js'
import { codeOf } from '../support/results.js'

describe('SQL statements with bound values', () => {
  const bound = boundSqlStatement('Shop', 'EXEC p @v = @rm_v', [{ name: 'v', value: "it's", type: 'nvarchar(4000)' }], "DECLARE @rm_v nvarchar(4000) = N'it''s'; EXEC p @v = @rm_v")

  it('a plan shows the display (values as literals); plain SQL shows itself; both route by database', () => {
    expect(displayOf(bound)).toBe("DECLARE @rm_v nvarchar(4000) = N'it''s'; EXEC p @v = @rm_v")
    expect(displayOf(sqlStatement('Shop', 'SELECT 1'))).toBe('SELECT 1')
    expect(routeOf(bound)).toBe('Shop')
    // Plain data: a JSON round trip (the store, the durable queue) keeps the values.
    expect(JSON.parse(JSON.stringify(bound))).toEqual(bound)
  })

  it('never joins a plain script, where its values would be lost', async () => {
    expect(codeOf(() => joinScript([bound]))).toBe('INTERNAL')
    const ran: string[] = []
    const results = await executeSqlBatches([[bound]], { database: 'Shop', batchSize: 10, runScript: async (sql) => void ran.push(sql), classify: (e) => e as never })
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(ran).toEqual([])
  })
})

describe('UTF-16 byte limits (SQL Server nvarchar)', () => {
  it('counts two bytes per UTF-16 unit: an emoji is four', () => {
    expect(measureLength('aé', 'utf16-bytes')).toBe(4)
    expect(measureLength('🦄', 'utf16-bytes')).toBe(4)
    expect(measureLength('🦄', 'bytes')).toBe(4)
    expect(measureLength('a', 'bytes')).toBe(1)
  })

  it('truncates within the limit without splitting a pair, ellipsis included', () => {
    const fitted = fitLength('🦄'.repeat(10), 10, 'utf16-bytes', 'truncate')
    expect(fitted).toEqual({ text: '🦄🦄…', truncated: true, originalLength: 40 })
    expect(codeOf(() => fitLength('abcdef', 10, 'utf16-bytes', 'fail'))).toBe('VALUE_TOO_LONG')
    expect(fitLength('abcde', 10, 'utf16-bytes', 'fail').truncated).toBe(false)
  })
})
