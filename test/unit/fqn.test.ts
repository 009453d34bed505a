import { describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { assetFqn, buildFqn, parseFqn, quoteFqnPart } from '../../src/model/fqn.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(RevmetaError)
    return (error as RevmetaError).code
  }
  return undefined
}

describe('quoteFqnPart', () => {
  it('leaves a plain name alone and quotes a name with a dot', () => {
    expect(quoteFqnPart('orders')).toBe('orders')
    expect(quoteFqnPart('orders.2024')).toBe('"orders.2024"')
  })

  it('refuses a double quote with NAME_HAS_QUOTE and an empty name with FQN_INVALID', () => {
    expect(codeOf(() => quoteFqnPart('say "hi"'))).toBe('NAME_HAS_QUOTE')
    expect(codeOf(() => quoteFqnPart(''))).toBe('FQN_INVALID')
  })
})

describe('buildFqn / parseFqn round trips', () => {
  const cases: string[][] = [
    ['svc', 'db', 'public', 'orders'],
    ['svc', 'db.eu', 'public', 'orders.2024', 'a.b'],
    ['my svc', 'shop db', 'sales schema', 'order items'],
    ['svc', 'données', 'schéma', '注文', 'emoji 🎉'],
    ['svc', 'db', 'sch', 'a:b', 'x::y'],
    ['svc', '...', 'sch', '.leading', 'trailing.'],
    ['svc', "it's", 'back\\slash', 'tab\there'],
  ]
  for (const parts of cases) {
    it(`round-trips ${JSON.stringify(parts)}`, () => {
      expect(parseFqn(buildFqn(parts))).toEqual(parts)
    })
  }

  it('quotes only the parts that hold a dot', () => {
    expect(buildFqn(['svc', 'db', 'sch', 'my.tbl'])).toBe('svc.db.sch."my.tbl"')
  })

  it('drops quotes around a part without a dot, as OpenMetadata does', () => {
    expect(parseFqn('svc."db".sch.tbl')).toEqual(['svc', 'db', 'sch', 'tbl'])
  })

  it('names the asset by its canonical FQN', () => {
    expect(assetFqn({ level: 'column', service: 'svc', database: 'db', schema: 's', table: 'my.tbl', column: 'a.b' })).toBe('svc.db.s."my.tbl"."a.b"')
    expect(assetFqn({ level: 'database', service: 'svc', database: 'db' })).toBe('svc.db')
  })
})

describe('parseFqn refuses', () => {
  it.each([
    ['', 'empty'],
    ['svc..tbl', 'an empty part'],
    ['svc.db.', 'a trailing dot'],
    ['.svc', 'a leading dot'],
    ['svc."db.x', 'an unclosed quote'],
    ['svc."db.x"y.z', 'text after a closing quote'],
    ['svc."".tbl', 'an empty quoted part'],
  ])('%j (%s) with FQN_INVALID', (fqn) => {
    expect(codeOf(() => parseFqn(fqn))).toBe('FQN_INVALID')
  })

  it('names the FQN in the error', () => {
    try {
      parseFqn('svc."db')
      expect.unreachable()
    } catch (error) {
      expect((error as RevmetaError).details.fqn).toBe('svc."db')
      expect((error as RevmetaError).message).toContain('svc.\\"db')
    }
  })

  it('a stray double quote inside a name with NAME_HAS_QUOTE', () => {
    expect(codeOf(() => parseFqn('svc.db.sch.ta"ble'))).toBe('NAME_HAS_QUOTE')
    expect(codeOf(() => buildFqn(['svc', 'db', 'a"b']))).toBe('NAME_HAS_QUOTE')
  })
})
