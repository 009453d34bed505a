import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Operation } from '../../src/model/operation.js'
import { isOlder, newerOrder, type ChangeOrder } from '../../src/model/order.js'
import { quoteIdent } from '../../src/store/migrate.js'
import { mergeOperation } from '../../src/store/merge-operation.js'
import { postgresTarget } from './store-support.js'

/** Orders that exercise every branch of the rule: versions equal, differing, missing; timestamps likewise. */
const samples: (ChangeOrder | undefined)[] = [undefined, {}, { version: 0.2 }, { version: 1.5 }, { timestamp: 1000 }, { timestamp: 2000 }, { version: 0.2, timestamp: 2000 }, { version: 0.2, timestamp: 1000 }, { version: 1.5, timestamp: 1000 }, { version: 1.5, timestamp: 2000 }]

const order = fc.option(fc.record({ version: fc.constantFrom(0.1, 0.2, 1.5), timestamp: fc.constantFrom(1000, 2000, 3000) }, { requiredKeys: [] }), { nil: undefined })
const withOrder = <T extends object>(item: T, o: ChangeOrder | undefined) => (o === undefined ? item : { ...item, order: o })
const origins = fc.array(fc.record({ source: fc.constant('event'), index: fc.nat(5), eventId: fc.constantFrom('e1', 'e2', "e'3") }), { maxLength: 3 })
const tag: fc.Arbitrary<object> = fc.tuple(fc.constantFrom('PII.Email', 'Tier.Gold', 'Tier.Silver', 'Old.One'), fc.constantFrom('Classification', 'Glossary'), order).map(([tagFQN, source, o]) => withOrder({ tagFQN, source }, o))
const owner: fc.Arbitrary<object> = fc.tuple(fc.constantFrom('user', 'team'), fc.constantFrom('ann', 'bob', 'ops'), order).map(([type, name, o]) => withOrder({ type, name }, o))
const base = { id: 'docs|warehouse.shop.sales.t|x', channel: 'docs', service: 'warehouse', asset: { service: 'warehouse', database: 'shop', schema: 'sales', table: 't', level: 'table' } }

/** Two operations of one key (one kind), as the planner makes them. */
const pair = fc.constantFrom('description', 'tags', 'owners').chain((kind) => {
  const op =
    kind === 'description'
      ? fc.tuple(fc.option(fc.constantFrom('one', 'two', "it's"), { nil: null }), origins, order).map(([description, o, ord]) => withOrder({ ...base, kind, description, origins: o }, ord))
      : fc
          .tuple(fc.array(kind === 'tags' ? tag : owner, { maxLength: 4 }), fc.array(kind === 'tags' ? tag : owner, { maxLength: 3 }), origins, order)
          .map(([add, remove, o, ord]) => withOrder({ ...base, kind, add, remove, origins: o }, ord))
  return fc.tuple(op, op)
})

/**
 * The store used to merge and compare orders in SQL (migration 0006's functions, still present in
 * PostgreSQL stores); it now does both in TypeScript, for PostgreSQL and SQLite alike. These hold
 * the TypeScript to the SQL it replaced.
 */
describe('merge and order rules: TypeScript against the SQL functions of migration 0006', () => {
  const t = postgresTarget()
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('holds the same rule in SQL (order_older, order_newer) as in TypeScript', async () => {
    const store = await t.fresh()
    const s = quoteIdent(store.schema)
    const pairs = samples.flatMap((a) => samples.map((b) => [a, b] as const))
    const [row] = await t.runner.query<{ older: boolean[]; newer: (ChangeOrder | null)[] }>(
      `SELECT array_agg(${s}.order_older(a, b) ORDER BY n) AS older, array_agg(${s}.order_newer(a, b) ORDER BY n) AS newer
       FROM unnest($1::jsonb[], $2::jsonb[]) WITH ORDINALITY AS x(a, b, n)`,
      [pairs.map(([a]) => (a === undefined ? null : JSON.stringify(a))), pairs.map(([, b]) => (b === undefined ? null : JSON.stringify(b)))],
    )
    expect(row!.older).toEqual(pairs.map(([a, b]) => isOlder(a, b)))
    expect(row!.newer.map((n) => n ?? undefined)).toEqual(pairs.map(([a, b]) => newerOrder(a, b)))
    // The rule itself, on the cases the issue names.
    expect(isOlder({ timestamp: 1000 }, { timestamp: 2000 })).toBe(true)
    expect(isOlder({ version: 0.2, timestamp: 2000 }, { version: 1.5, timestamp: 1000 })).toBe(true)
    expect(isOlder({ version: 0.2, timestamp: 1000 }, { version: 0.2, timestamp: 1000 })).toBe(false)
    expect(isOlder(undefined, { version: 9 })).toBe(false)
  })

  it('merges as merge_operation did, on random operations of every kind', async () => {
    const store = await t.fresh()
    const s = quoteIdent(store.schema)
    let differing = 0
    await fc.assert(
      fc.asyncProperty(pair, async ([older, newer]) => {
        const [row] = await t.runner.query<{ merged: string }>(`SELECT CAST(${s}.merge_operation(CAST($1 AS json), CAST($2 AS json)) AS text) AS merged`, [
          JSON.stringify(older),
          JSON.stringify(newer),
        ])
        const ts = JSON.parse(JSON.stringify(mergeOperation(older as unknown as Operation, newer as unknown as Operation)))
        expect(ts).toEqual(JSON.parse(row!.merged))
        if (JSON.stringify(ts) !== JSON.stringify(newer)) differing++
      }),
      { numRuns: 400 },
    )
    // The samples reach the merge's branches, not only "the newer one wins".
    expect(differing).toBeGreaterThan(100)
  })

  it('keeps the newer verdict per item, by the item order, and the newer description by the operation order', () => {
    const tags = (add: object[], remove: object[], o?: ChangeOrder) => withOrder({ ...base, kind: 'tags', add, remove, origins: [] }, o) as unknown as Operation
    const merged = mergeOperation(
      tags([{ tagFQN: 'A', source: 'Classification', order: { version: 2 } }, { tagFQN: 'B', source: 'Classification' }], []),
      tags([], [{ tagFQN: 'A', source: 'Classification', order: { version: 1 } }, { tagFQN: 'B', source: 'Classification' }]),
    ) as unknown as { add: { tagFQN: string }[]; remove: { tagFQN: string }[] }
    expect(merged.add.map((x) => x.tagFQN)).toEqual(['A'])
    expect(merged.remove.map((x) => x.tagFQN)).toEqual(['B'])
    const desc = (description: string, o: ChangeOrder) => ({ ...base, kind: 'description', description, origins: [], order: o }) as unknown as Operation
    // The newer order whole when the two compare, not the older one's later timestamp.
    const kept = mergeOperation(desc('newer', { version: 3 }), desc('older', { version: 1, timestamp: 9 }))
    expect(kept).toMatchObject({ description: 'newer' })
    expect(kept.order).toEqual({ version: 3 })
  })
})
