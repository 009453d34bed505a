import { describe, expect, it } from 'vitest'
import { positionalParams } from '../../src/store/sqlite-params.js'

describe('positionalParams', () => {
  it('rewrites $n as ? in order of appearance, repeats included, and leaves literals, identifiers and comments alone', () => {
    const sql = `SELECT $2, '$1 it''s', "col$1", $1 -- $3\n, $10 /* $4 */, $2`
    expect(positionalParams(sql)).toEqual({ sql: `SELECT ?, '$1 it''s', "col$1", ? -- $3\n, ? /* $4 */, ?`, order: [2, 1, 10, 2] })
    expect(positionalParams('SELECT 1')).toEqual({ sql: 'SELECT 1', order: [] })
  })
})
