import fc from 'fast-check'
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

  it('escapes a double quote as \\" as current OpenMetadata does (quoteName), and refuses an empty name with FQN_INVALID', () => {
    expect(quoteFqnPart('say "hi"')).toBe('say \\"hi\\"')
    expect(quoteFqnPart('a.b"c')).toBe('"a.b\\"c"')
    expect(quoteFqnPart('a.b\\c')).toBe('"a.b\\\\c"')
    expect(quoteFqnPart('back\\slash')).toBe('back\\slash')
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

})

describe('parseFqn reads every form OpenMetadata writes', () => {
  it.each([
    ['svc.db.sch.say \\"hi\\"', ['svc', 'db', 'sch', 'say "hi"'], 'quoteName today: \\" in a plain part'],
    ['svc.db.sch."a.\\"b\\""', ['svc', 'db', 'sch', 'a."b"'], 'Fqn.g4: \\" inside a quoted part'],
    ['svc.db.sch."a.b\\\\"', ['svc', 'db', 'sch', 'a.b\\'], 'Fqn.g4: \\\\ inside a quoted part'],
    ['svc.db.sch."a.b\\c"', ['svc', 'db', 'sch', 'a.b\\c'], 'older quoteName: a bare backslash inside quotes'],
    ['svc.db.sch.ta"ble', ['svc', 'db', 'sch', 'ta"ble'], 'older EntityInterfaceUtil: a bare quote inside a plain part'],
    ["svc.db.sch.o'brien", ['svc', 'db', 'sch', "o'brien"], 'a single quote'],
    ['svc."db".sch.tbl', ['svc', 'db', 'sch', 'tbl'], 'quotes around a part without a dot'],
  ])('%j', (fqn, parts) => {
    expect(parseFqn(fqn)).toEqual(parts)
  })
})

/**
 * My reading of OpenMetadata's Fqn.g4 (commit 3b9cfd0): a part is either quoted, '"' then any
 * characters with '"' and '\\' escaped by a backslash, then '"'; or plain, characters other than
 * '.', '"' and '\\' plus those two escapes. Names are any non-empty text.
 */
describe('buildFqn / parseFqn (property)', () => {
  const alphabet = fc.constantFrom('a', 'Z', '.', '"', '\\', "'", '`', ' ', ':', '>', 'é', '🎉', '\n', '%')
  const name = fc.array(alphabet, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(''))
  const names = fc.array(name, { minLength: 1, maxLength: 6 })

  it('parseFqn(buildFqn(parts)) is parts, for any names', () => {
    fc.assert(fc.property(names, (parts) => {
      expect(parseFqn(buildFqn(parts))).toEqual(parts)
    }), { numRuns: 2000 })
  })

  it('every part built is a sentence of the grammar: quoted exactly when the name holds a dot, no unescaped quote', () => {
    const quoted = /^"(?:\\["\\]|[^"\\])*"$/
    const plain = /^(?:\\["\\]|\\(?!["\\])|[^."\\])+$/
    fc.assert(
      fc.property(name, (n) => {
        const part = quoteFqnPart(n)
        if (n.includes('.')) expect(part).toMatch(quoted)
        else expect(part).toMatch(plain)
      }),
      { numRuns: 2000 },
    )
  })

  it('an FQN splits into as many parts as were joined, whatever the names hold', () => {
    fc.assert(fc.property(names, (parts) => {
      expect(parseFqn(buildFqn(parts))).toHaveLength(parts.length)
    }))
  })
})
