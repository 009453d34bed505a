import { describe, expect, it } from 'vitest'
import { ownerMappingSchema } from '../../src/config/config-schema.js'
import { chooseSingleOwner, mapOwner } from '../../src/owners/map-owner.js'

const mapping = (m: unknown) => ownerMappingSchema.parse(m)

describe('mapOwner', () => {
  it('uses the catalog name by default', () => {
    expect(mapOwner({ type: 'user', name: 'Marta' }, mapping({}))).toBe('Marta')
    expect(mapOwner({ type: 'user', name: 'Marta' }, mapping({ case: 'lower' }))).toBe('marta')
  })

  it('takes the e-mail local part, from the e-mail or from a name that is an address', () => {
    const m = mapping({ strategy: 'email-local-part' })
    expect(mapOwner({ type: 'user', name: 'x', email: 'jane.doe@corp.example' }, m)).toBe('jane.doe')
    expect(mapOwner({ type: 'user', name: 'joe@corp.example' }, m)).toBe('joe')
    expect(() => mapOwner({ type: 'user', name: 'joe' }, m)).toThrow(expect.objectContaining({ code: 'OWNER_UNMAPPED' }))
  })

  it('prefers explicit map entries, typed keys first, and refuses unmapped owners in map mode', () => {
    const m = mapping({ strategy: 'map', map: { 'team:Finance': 'finance_role', alice: 'alice_role' }, case: 'lower' })
    expect(mapOwner({ type: 'team', name: 'Finance' }, m)).toBe('finance_role')
    expect(mapOwner({ type: 'user', name: 'alice' }, m)).toBe('alice_role')
    expect(() => mapOwner({ type: 'user', name: 'bob' }, m)).toThrow(/not in owners.map/)
  })
})

describe('chooseSingleOwner', () => {
  it('takes the first user, else the first team, and lists the rest as dropped', () => {
    const team = { type: 'team' as const, name: 'Finance' }
    const user = { type: 'user' as const, name: 'marta' }
    expect(chooseSingleOwner([team, user])).toEqual({ chosen: user, dropped: [team] })
    expect(chooseSingleOwner([team])).toEqual({ chosen: team, dropped: [] })
  })
})
