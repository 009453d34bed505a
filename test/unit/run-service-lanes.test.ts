import { describe, expect, it } from 'vitest'
import { bySchema } from '../../src/engine/run-service.js'
import type { Operation } from '../../src/model/operation.js'

const op = (database: string, schema: string | undefined, table?: string): Operation => ({
  id: `c|${database}.${schema}.${table}|description`,
  channel: 'c',
  service: 's',
  asset: table ? { level: 'table', service: 's', database, schema, table } : schema ? { level: 'schema', service: 's', database, schema } : { level: 'database', service: 's', database },
  origins: [],
  kind: 'description',
  description: 'x',
})

const schemaKey = (o: Operation) => `${o.asset.database}.${o.asset.schema ?? ''}`

describe('bySchema (lanes of an in-memory apply)', () => {
  const ops = [
    ...['a', 'b', 'c', 'd', 'e', 'f'].map((t) => op('db', 'big', t)),
    op('db', 'mid', 'x'),
    op('db', 'mid', 'y'),
    op('db', 'mid', 'z'),
    op('db', 'small', 'p'),
    op('db', undefined),
    op('db', 'small', 'q'),
    op('other', 'big', 't'),
  ]

  it('keeps every schema in one lane, balances lanes by operations and keeps the input order in each', () => {
    const lanes = bySchema(ops, 2)
    expect(lanes).toHaveLength(2)
    expect(lanes.flat()).toHaveLength(ops.length)
    const laneOfSchema = new Map<string, number>()
    lanes.forEach((lane, i) =>
      lane.forEach((o) => {
        expect(laneOfSchema.get(schemaKey(o)) ?? i).toBe(i)
        laneOfSchema.set(schemaKey(o), i)
      }),
    )
    // A schema of one database is not the same-named schema of another.
    expect(laneOfSchema.size).toBe(5)
    expect(lanes.map((l) => l.length).sort()).toEqual([6, 7])
    for (const lane of lanes) expect(lane).toEqual(ops.filter((o) => lane.includes(o)))
  })

  it('never makes more lanes than schemas, and one lane stays the input as is', () => {
    expect(bySchema(ops.slice(0, 6), 4)).toEqual([ops.slice(0, 6)])
    expect(bySchema(ops, 1)).toEqual([ops])
    expect(bySchema([], 3)).toEqual([[]])
    expect(bySchema(ops, 8)).toHaveLength(5)
  })
})
