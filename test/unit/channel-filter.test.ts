import { describe, expect, it } from 'vitest'
import { channelFilterSchema, type ChannelFilter } from '../../src/channels/channel-filter-schema.js'
import { compileChannelFilter, filterChange } from '../../src/channels/filter-change.js'
import { levels, type AssetRef } from '../../src/model/asset.js'
import type { Change, OwnerRef, TagLabel } from '../../src/model/change.js'
import { parseFqn } from '../../src/model/fqn.js'

function asset(fqn: string): AssetRef {
  const [service = '', database = '', schema, table, column] = parseFqn(fqn)
  const level = levels[parseFqn(fqn).length - 2]
  if (level === undefined) throw new Error(`bad test FQN ${fqn}`)
  return { level, service, database, schema, table, column }
}

const origin = { source: 'event' as const, index: 0, user: 'alice' }
const description = (fqn: string, user: string | null = 'alice'): Change => ({
  kind: 'description',
  asset: asset(fqn),
  origin: user === null ? { source: 'event', index: 0 } : { ...origin, user },
  after: 'x',
})
const tag = (tagFQN: string, source: TagLabel['source'] = 'Classification', labelType?: string): TagLabel => (labelType ? { tagFQN, source, labelType } : { tagFQN, source })
const tags = (fqn: string, added: TagLabel[], removed: TagLabel[] = []): Change => ({ kind: 'tags', asset: asset(fqn), origin, added, removed })
const user = (name: string): OwnerRef => ({ type: 'user', name })
const team = (name: string): OwnerRef => ({ type: 'team', name })
const owners = (fqn: string, added: OwnerRef[], removed: OwnerRef[] = []): Change => ({ kind: 'owners', asset: asset(fqn), origin, added, removed })

/** Parses through the schema, as a config does, so every case also checks that the schema takes it. */
const route = (filter: unknown, change: Change) => filterChange(change, channelFilterSchema.parse(filter))

type Case = [name: string, filter: unknown, fqn: string, pass: boolean]

describe('asset routing matrix (description changes)', () => {
  const cases: Case[] = [
    ['empty filter takes everything', {}, 'svc.db.sales.orders', true],
    ['levels keeps a listed level', { levels: ['table'] }, 'svc.db.sales.orders', true],
    ['levels drops another level', { levels: ['table'] }, 'svc.db.sales.orders.id', false],
    ['levels: database', { levels: ['database', 'schema'] }, 'svc.db', true],
    ['glob * takes the tables of a schema', { include: ['svc.db.sales.*'] }, 'svc.db.sales.orders', true],
    ['glob * does not cross into columns', { include: ['svc.db.sales.*'] }, 'svc.db.sales.orders.id', false],
    ['glob * does not take the schema itself', { include: ['svc.db.sales.*'] }, 'svc.db.sales', false],
    ['glob ** takes columns', { include: ['svc.db.sales.**'] }, 'svc.db.sales.orders.id', true],
    ['glob ** takes the schema itself', { include: ['svc.db.sales.**'] }, 'svc.db.sales', true],
    ['glob ** does not take a sibling schema', { include: ['svc.db.sales.**'] }, 'svc.db.hr.people', false],
    ['glob ** in the middle', { include: ['svc.**.id'] }, 'svc.db.sales.orders.id', true],
    ['glob * inside a part', { include: ['svc.db.sales.ord*'] }, 'svc.db.sales.orders', true],
    ['glob * matches a quoted part whole', { include: ['svc.db.sales.*'] }, 'svc.db.sales."orders.2024"', true],
    ['glob * inside a part runs over a quoted dot', { include: ['svc.db.sales.orders*'] }, 'svc.db.sales."orders.2024"', true],
    ['quoted glob part matches exactly', { include: ['svc.db.sales."orders.2024"'] }, 'svc.db.sales."orders.2024"', true],
    ['quoted glob part is not split at its dot', { include: ['svc.db.sales."orders.2024"'] }, 'svc.db.sales.orders', false],
    ['unquoted dot in the glob splits parts', { include: ['svc.db.sales.orders.2024'] }, 'svc.db.sales."orders.2024"', false],
    ['glob ? is one character', { include: ['svc.db.sales.t?'] }, 'svc.db.sales.t1', true],
    ['glob ? is exactly one character', { include: ['svc.db.sales.t?'] }, 'svc.db.sales.t10', false],
    ['glob character class', { include: ['svc.db.sales.t[0-9]'] }, 'svc.db.sales.t7', true],
    ['glob negated class', { include: ['svc.db.sales.t[!0-9]'] }, 'svc.db.sales.t7', false],
    ['glob braces', { include: ['svc.db.{sales,hr}.*'] }, 'svc.db.hr.people', true],
    ['glob is case-sensitive', { include: ['svc.db.SALES.*'] }, 'svc.db.sales.orders', false],
    ['glob escapes', { include: ['svc.db.sales.a\\*b'] }, 'svc.db.sales.a*b', true],
    ['glob escapes are literal', { include: ['svc.db.sales.a\\*b'] }, 'svc.db.sales.axb', false],
    ['any include is enough', { include: ['svc.db.hr.*', 'svc.db.sales.*'] }, 'svc.db.sales.orders', true],
    ['exclude wins over include', { include: ['svc.db.**'], exclude: ['svc.db.sales.tmp_*'] }, 'svc.db.sales.tmp_x', false],
    ['exclude alone', { exclude: ['**.tmp_*'] }, 'svc.db.sales.orders', true],
    ['empty include means all', { include: [] }, 'svc.db.sales.orders', true],
    ['regex searches the FQN', { include: ['/sales/'] }, 'svc.db.sales.orders', true],
    ['regex sees the quoted FQN', { include: ['/\\."orders\\.2024"$/'] }, 'svc.db.sales."orders.2024"', true],
    ['regex crosses parts', { include: ['/^svc\\.db\\.sales\\./'] }, 'svc.db.sales.orders.id', true],
    ['regex is case-sensitive without i', { include: ['/SALES/'] }, 'svc.db.sales.orders', false],
    ['regex with i', { include: ['/SALES/i'] }, 'svc.db.sales.orders', true],
    ['regex exclude', { exclude: ['/\\.tmp_/'] }, 'svc.db.sales.tmp_x', false],
  ]
  for (const [name, filter, fqn, pass] of cases) {
    it(`${name}: ${JSON.stringify(filter)} × ${fqn} → ${pass ? 'pass' : 'reject'}`, () => {
      const change = description(fqn)
      expect(route(filter, change)).toBe(pass ? change : undefined)
    })
  }
})

describe('OpenMetadata filter patterns', () => {
  const cases: Case[] = [
    ['databaseFilterPattern includes', { databaseFilterPattern: { includes: ['shop'] } }, 'svc.shop.sales.orders', true],
    ['databaseFilterPattern includes rejects others', { databaseFilterPattern: { includes: ['shop'] } }, 'svc.crm.sales.orders', false],
    ['re.match is anchored at the start', { databaseFilterPattern: { includes: ['hop'] } }, 'svc.shop.sales.orders', false],
    ['re.match is not anchored at the end', { databaseFilterPattern: { includes: ['sh'] } }, 'svc.shop.sales.orders', true],
    ['$ anchors the end', { databaseFilterPattern: { includes: ['sh$'] } }, 'svc.shop.sales.orders', false],
    ['matching is case-insensitive (re.IGNORECASE)', { tableFilterPattern: { includes: ['ORDERS'] } }, 'svc.db.sales.orders', true],
    ['schemaFilterPattern excludes', { schemaFilterPattern: { excludes: ['tmp.*'] } }, 'svc.db.tmp_load.t', false],
    ['schemaFilterPattern excludes others pass', { schemaFilterPattern: { excludes: ['tmp.*'] } }, 'svc.db.sales.t', true],
    ['non-empty includes decide alone: excludes ignored', { tableFilterPattern: { includes: ['fact_.*'], excludes: ['fact_tmp'] } }, 'svc.db.s.fact_tmp', true],
    ['empty includes let excludes work', { tableFilterPattern: { includes: [], excludes: ['fact_tmp'] } }, 'svc.db.s.fact_tmp', false],
    ['any include is enough', { tableFilterPattern: { includes: ['a', 'orders'] } }, 'svc.db.s.orders', true],
    ['a database is not filtered by schemaFilterPattern', { schemaFilterPattern: { includes: ['sales'] } }, 'svc.db', true],
    ['a schema is not filtered by tableFilterPattern', { tableFilterPattern: { includes: ['orders'] } }, 'svc.db.hr', true],
    ['a column is filtered by its table', { tableFilterPattern: { includes: ['orders'] } }, 'svc.db.s.customers.id', false],
    ['the column name is not what tableFilterPattern tests', { tableFilterPattern: { includes: ['id'] } }, 'svc.db.s.orders.id', false],
    ['all three combine', { databaseFilterPattern: { includes: ['db'] }, schemaFilterPattern: { includes: ['s'] }, tableFilterPattern: { excludes: ['tmp'] } }, 'svc.db.s.orders', true],
    ['raw name has no quotes', { tableFilterPattern: { includes: ['orders\\.2024$'] } }, 'svc.db.s."orders.2024"', true],
    ['raw name, FQN regex does not match', { tableFilterPattern: { includes: ['svc\\.db'] } }, 'svc.db.s.orders', false],
    ['useFqnForFiltering: FQN up to the table', { useFqnForFiltering: true, tableFilterPattern: { includes: ['svc\\.db\\.s\\.orders$'] } }, 'svc.db.s.orders.id', true],
    ['useFqnForFiltering: same table in another schema', { useFqnForFiltering: true, tableFilterPattern: { includes: ['svc\\.db\\.s\\.orders$'] } }, 'svc.db.t.orders', false],
    ['useFqnForFiltering: raw name no longer matches', { useFqnForFiltering: true, tableFilterPattern: { includes: ['orders'] } }, 'svc.db.s.orders', false],
    ['useFqnForFiltering: schema FQN', { useFqnForFiltering: true, schemaFilterPattern: { excludes: ['svc\\.db\\.tmp$'] } }, 'svc.db.tmp.t', false],
    ['useFqnForFiltering: database FQN', { useFqnForFiltering: true, databaseFilterPattern: { includes: ['svc\\.shop$'] } }, 'svc.shop', true],
    ['useFqnForFiltering: quoted parts in the FQN', { useFqnForFiltering: true, tableFilterPattern: { includes: ['svc\\.db\\.s\\."orders\\.2024"'] } }, 'svc.db.s."orders.2024"', true],
    ['Python named groups are translated', { tableFilterPattern: { includes: ['(?P<p>fact)_(?P=p)'] } }, 'svc.db.s.fact_fact', true],
    ['Python \\A and \\Z are translated', { tableFilterPattern: { includes: ['\\Aorders\\Z'] } }, 'svc.db.s.orders_old', false],
    ['leading inline flags are accepted', { tableFilterPattern: { includes: ['(?i)ORD'] } }, 'svc.db.s.orders', true],
  ]
  for (const [name, filter, fqn, pass] of cases) {
    it(`${name}: ${fqn} → ${pass ? 'pass' : 'reject'}`, () => {
      const change = description(fqn)
      expect(route(filter, change)).toBe(pass ? change : undefined)
    })
  }
})

describe('narrowing tag changes', () => {
  const pii = tag('PII.Sensitive')
  const tier = tag('Tier.Tier1', 'Classification', 'Propagated')
  const term = tag('Business.Revenue', 'Glossary')
  const quoted = tag('"my.class".Gold')
  const change = tags('svc.db.s.t', [pii, tier, term, quoted], [tag('PII.None', 'Classification', 'Automated')])

  const cases: [string, unknown, TagLabel[] | undefined, TagLabel[] | undefined][] = [
    ['no tag keys: untouched', {}, change.kind === 'tags' ? [...change.added] : [], undefined],
    ['classifications', { classifications: ['PII'] }, [pii], [tag('PII.None', 'Classification', 'Automated')]],
    ['classifications also name glossaries', { classifications: ['Business'] }, [term], []],
    ['quoted classification', { classifications: ['my.class'] }, [quoted], []],
    ['tagSources Glossary', { tagSources: ['Glossary'] }, [term], []],
    ['labelTypes: missing labelType counts as Manual', { labelTypes: ['Manual'] }, [pii, term, quoted], []],
    ['labelTypes Propagated', { labelTypes: ['Propagated'] }, [tier], []],
    ['labelTypes narrows removed too', { labelTypes: ['Automated'] }, [], [tag('PII.None', 'Classification', 'Automated')]],
    ['keys combine with and', { classifications: ['PII', 'Tier'], labelTypes: ['Manual'] }, [pii], []],
  ]
  for (const [name, filter, added, removed] of cases) {
    it(name, () => {
      const out = route(filter, change)
      expect(out?.kind).toBe('tags')
      if (out?.kind !== 'tags' || change.kind !== 'tags') return
      expect(out.added).toEqual(added)
      expect(out.removed).toEqual(removed ?? change.removed)
    })
  }

  it('returns the same object when nothing is dropped, a copy otherwise', () => {
    expect(route({ tagSources: ['Classification', 'Glossary'] }, change)).toBe(change)
    const narrowed = route({ classifications: ['PII'] }, change)
    expect(narrowed).not.toBe(change)
    expect(narrowed).toMatchObject({ kind: 'tags', asset: change.asset, origin: change.origin })
  })

  it('rejects the change when no tag is left', () => {
    expect(route({ classifications: ['Nope'] }, change)).toBeUndefined()
    expect(route({ tagSources: ['Glossary'] }, tags('svc.db.s.t', [pii]))).toBeUndefined()
  })

  it('tag keys do not touch description or owner changes', () => {
    const d = description('svc.db.s.t')
    const o = owners('svc.db.s.t', [user('bob')])
    expect(route({ classifications: ['PII'] }, d)).toBe(d)
    expect(route({ classifications: ['PII'] }, o)).toBe(o)
  })

  it('asset keys still apply to tag changes', () => {
    expect(route({ classifications: ['PII'], levels: ['column'] }, change)).toBeUndefined()
  })
})

describe('users and ownerTypes', () => {
  it('users keeps changes made by a listed user', () => {
    const mine = description('svc.db.s.t', 'alice')
    expect(route({ users: ['alice', 'carol'] }, mine)).toBe(mine)
    expect(route({ users: ['bob'] }, mine)).toBeUndefined()
  })

  it('users drops a change whose user is unknown', () => {
    expect(route({ users: ['alice'] }, description('svc.db.s.t', null))).toBeUndefined()
    const anon = description('svc.db.s.t', null)
    expect(route({}, anon)).toBe(anon)
  })

  it('ownerTypes narrows owner changes', () => {
    const change = owners('svc.db.s', [user('bob'), team('data')], [team('old')])
    expect(route({ ownerTypes: ['user'] }, change)).toEqual({ ...change, added: [user('bob')], removed: [] })
    expect(route({ ownerTypes: ['team'] }, change)).toEqual({ ...change, added: [team('data')], removed: [team('old')] })
    expect(route({ ownerTypes: ['user', 'team'] }, change)).toBe(change)
    expect(route({ ownerTypes: ['user'] }, owners('svc.db.s', [team('data')]))).toBeUndefined()
  })

  it('ownerTypes does not touch tag changes', () => {
    const change = tags('svc.db.s.t', [tag('PII.Sensitive')])
    expect(route({ ownerTypes: ['user'] }, change)).toBe(change)
  })
})

describe('compileChannelFilter', () => {
  it('exposes the asset test and the change filter', () => {
    const matcher = compileChannelFilter(channelFilterSchema.parse({ include: ['svc.db.sales.**'] }))
    expect(matcher.acceptsAsset(asset('svc.db.sales.orders'))).toBe(true)
    expect(matcher.acceptsAsset(asset('svc.db.hr.people'))).toBe(false)
    const change = description('svc.db.sales.orders')
    expect(matcher.filter(change)).toBe(change)
  })

  it('filterChange gives the same answer on a frozen filter, call after call', () => {
    const filter: ChannelFilter = Object.freeze(channelFilterSchema.parse({ include: ['/sales/'] }))
    for (let i = 0; i < 3; i++) expect(filterChange(description('svc.db.sales.t'), filter)).toBeDefined()
    expect(filterChange(description('svc.db.hr.t'), filter)).toBeUndefined()
  })
})

describe('channelFilterSchema', () => {
  const messages = (filter: unknown): string[] => {
    const result = channelFilterSchema.safeParse(filter)
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }

  it('defaults useFqnForFiltering to false', () => {
    expect(channelFilterSchema.parse({})).toEqual({ useFqnForFiltering: false })
  })

  it('rejects an invalid /regex/ and names the pattern', () => {
    const [message] = messages({ include: ['svc.*', '/sales(/'] })
    expect(message).toMatch(/^include\.1: .*\/sales\(\//)
  })

  it('rejects a regex flag that would make matching stateful', () => {
    expect(messages({ exclude: ['/x/g'] })[0]).toMatch(/flag 'g'/)
  })

  it('rejects an invalid filter-pattern regex and names it', () => {
    const [message] = messages({ tableFilterPattern: { includes: ['ok', 'bad[' ] } })
    expect(message).toMatch(/^tableFilterPattern\.includes\.1: .*bad\[/)
    expect(messages({ schemaFilterPattern: { excludes: ['(?x) a b'] } })[0]).toMatch(/verbose/)
  })

  it('rejects malformed globs', () => {
    expect(messages({ include: ['svc."db.*'] })[0]).toMatch(/unclosed double quote/)
    expect(messages({ include: ['svc.db.[abc'] })[0]).toMatch(/unclosed '\['/)
    expect(messages({ include: ['svc.{a,b'] })[0]).toMatch(/unclosed '\{'/)
    expect(messages({ include: ['svc..db'] })[0]).toMatch(/empty FQN part/)
  })

  it('is strict and checks enums', () => {
    expect(messages({ level: ['table'] })).toHaveLength(1)
    expect(messages({ levels: ['view'] })).toHaveLength(1)
    expect(messages({ tagSources: ['Tag'] })).toHaveLength(1)
    expect(messages({ labelTypes: ['manual'] })).toHaveLength(1)
    expect(messages({ ownerTypes: ['group'] })).toHaveLength(1)
    expect(messages({ tableFilterPattern: { include: ['x'] } })).toHaveLength(1)
  })

  it('rejects empty lists that would silently drop everything', () => {
    expect(messages({ classifications: [] })[0]).toMatch(/leave the key out/)
    expect(messages({ levels: [] })).toHaveLength(1)
    expect(messages({ users: [] })).toHaveLength(1)
  })
})
