import { describe, expect, it } from 'vitest'
import { compileTemplate, pyTuple } from '../../../src/templates/index.js'
import { DEFAULT_VARIABLES, FUNCTION_NAMES, HOST_FUNCTIONS, VARIABLE_NAMES, failure, render } from './helpers.js'

/** Templates written to escape the sandbox or exhaust the service: each is refused, quickly, with a reason. */

const compileOnly = (template: string): unknown => compileTemplate(template, { variables: [...VARIABLE_NAMES, 'x'], functions: FUNCTION_NAMES })

describe('reaching interpreter or host internals is refused at compile time', () => {
  it.each([
    ['{__class__}', /names starting with '_' are not allowed \('__class__'\)/],
    ['{x.__class__}', /names starting with '_' are not allowed \('__class__'\)/],
    ['{x.constructor}', /'constructor' is not available in templates/],
    ['{x.constructor()}', /'constructor' is not available in templates/],
    ["{''.__class__.__mro__}", /names starting with '_'.*'__class__'/],
    ["{getattr(x,'y')}", /'getattr' is not available in templates/],
    ["{eval('1')}", /'eval' is not available in templates/],
    ["{exec('import os')}", /'exec' is not available/],
    ["{__import__('os')}", /names starting with '_'/],
    ['{x.prototype}', /'prototype' is not available in templates/],
    ['{().__class__.__bases__[0].__subclasses__()}', /names starting with '_'.*'__class__'/],
    ['{table.format.__globals__}', /attribute access is not supported|names starting with '_'/],
    ['{literal.__call__(1)}', /names starting with '_'/],
    ['{x.toString()}', /'toString' is not available/],
    ['{type(x)}', /'type' is not available/],
    ['{globals()}', /'globals' is not available/],
    ['{[c for __proto__ in x]}', /names starting with '_'/],
    ['{sorted(x, __proto__=1)}', /names starting with '_'/],
    // NFKC folds fullwidth letters to ASCII, as Python does, so this is `constructor` in disguise.
    ['{x.\uff43\uff4f\uff4e\uff53\uff54\uff52\uff55\uff43\uff54\uff4f\uff52()}', /'constructor' is not available/],
    // A fullwidth underscore cannot start a name at all, in Python or here.
    ['{x.\uff3f\uff3fclass\uff3f\uff3f}', /invalid character '\uff3f' \(U\+FF3F\)/],
  ])('%s', (template, reason) => {
    const error = failure(() => compileOnly(template))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.message).toMatch(reason)
  })
})

describe('names and syntax outside the subset are refused at compile time', () => {
  it.each([
    ['{tabel}', /unknown variable 'tabel' \(did you mean 'table'\?\)/],
    ['{nope}', /unknown variable 'nope'/],
    ['{table.drop()}', /unknown method 'drop'/],
    ['{table.lower}', /attribute access is not supported; only method calls like \.lower\(\.\.\.\) are/],
    ["{''.join}", /attribute access is not supported/],
    ['{len}', /'len' is a function; call it/],
    ['{open("/etc/passwd")}', /'open' is not available/],
    ['{system("ls")}', /unknown function 'system'/],
    ['{table()}', /'table' is a variable, not a function/],
    ['{tags[0]()}', /only functions and methods can be called/],
    ['{(lambda: 1)()}', /lambda expressions are not supported/],
    ['{[y := 1]}', /expected/],
    ["{ {'a': 1} }", /dict and set displays are not supported/],
    ['{x | 1}', /operator '\|' is not supported/],
    ['{*tags}', /starred expressions are not supported/],
    ["{b'bytes'}", /bytes literals are not supported/],
    ['{1j}', /complex numbers are not supported/],
    ['{x # comment}', /cannot include '#'/],
    [`{${'9'.repeat(5000)}}`, /integer literal longer than 4300 characters/],
  ])('%s', (template, reason) => {
    const error = failure(() => compileOnly(template))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.message).toMatch(reason)
  })
})

describe('deep nesting is refused at compile time', () => {
  it.each([
    ['parentheses', `{${'('.repeat(5000)}1${')'.repeat(5000)}}`],
    ['lists', `{${'['.repeat(500)}1${']'.repeat(500)}}`],
    ['unary minus', `{${'-'.repeat(5000)}1}`],
    ['not', `{${'not '.repeat(500)}1}`],
    ['power towers', `{${'2**'.repeat(500)}2}`],
    ['a long operator chain', `{${'1+'.repeat(20000)}1}`],
    ['format specs', `{table:${'{table:'.repeat(300)}${'}'.repeat(300)}}`],
    ['calls', `{${'str('.repeat(300)}1${')'.repeat(300)}}`],
  ])('%s', (_name, template) => {
    const error = failure(() => compileOnly(template))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.message).toMatch(/nested deeper than 100 levels/)
  })
})

describe('safety limits stop a render before it allocates', () => {
  it.each([
    ["{'x'*10**9}", /string longer than 1,000,000 characters/],
    ['{[1]*10**8}', /list longer than 1,000,000 items/],
    ['{(1,) * 10**8}', /list longer than 1,000,000 items/],
    ['{range(10**9)}', /range\(\) over more than 100,000 items/],
    ['{list(range(-10**18, 10**18))}', /range\(\) over more than 100,000 items/],
    ['{10**10**10}', /integer larger than 2\*\*16384/],
    ['{2**100000}', /integer larger than/],
    ["{'x'.ljust(10**9)}", /ljust\(\) width over 10,000/],
    ["{'x'.zfill(10**6)}", /zfill\(\) width over 10,000/],
    ['{table:>100000}', /format width over 10,000/],
    ['{1.5:.99999f}', /format precision over 10,000/],
    ["{'{:>{}}'.format('', 10**9)}", /format width over 10,000/],
    ["{'x' * 999999 + 'yy'}", /string longer than 1,000,000 characters/],
    ["{'ab' * 400000}{'ab' * 400000}", /output longer than 1,000,000 characters/],
    ["{'ab'.replace('', 'x' * 600000)}", /string longer than 1,000,000 characters/],
    ["{'-'.join(['x' * 100000] * 11)}", /string longer than 1,000,000 characters/],
    ["{str(['x' * 100000] * 11)}", /string longer than 1,000,000 characters/],
    ["{[a + b for a in ['x' * 600000] for b in ['y' * 600000]]}", /string longer than 1,000,000 characters/],
    ['{len([1 for a in range(1000) for b in range(1000) for c in range(1000)])}', /more than 1,000,000 evaluation steps/],
    ['{len([(a, b) for a in range(100000) for b in range(100000)])}', /more than 1,000,000 evaluation steps/],
    ["{sum(len(s) for s in [description * 30000] * 100000)}", /more than 1,000,000 evaluation steps/],
    ["{[s[5] for s in ['\ud83d\ude00' * 400000] * 100000]}", /more than 1,000,000 evaluation steps/],
    ["{sorted([('x' * 500000) + str(i) for i in range(1000)])}", /more than 1,000,000 evaluation steps/],
  ])('%s', (template, reason) => {
    const error = failure(() => render(template))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toMatch(/safety limit exceeded/)
    expect(error.message).toMatch(reason)
    expect(error.details.error).toBe('LimitExceeded')
  })
})

describe('runtime attempts on JS internals find only Python semantics', () => {
  it.each([
    ["{table['constructor']}", /string indices must be integers, not 'str'/],
    ["{tags['__proto__']}", /list indices must be integers or slices, not str/],
    ["{'{0.__class__}'.format(table)}", /attribute access in format fields is not supported/],
    ["{'{0.constructor}'.format(table)}", /attribute access in format fields is not supported/],
    ["{'{0[constructor]}'.format(tags)}", /list indices must be integers or slices, not str/],
    ["{'{constructor}'.format()}", /KeyError: 'constructor'/],
    ["{'%s' % table}", /'%' string formatting is not supported/],
    ['{tags.lower()}', /'list' object has no attribute 'lower'/],
    ["{int('9' * 5000)}", /ValueError: Exceeds the limit \(4300 digits\) for integer string conversion/],
  ])('%s', (template, reason) => {
    const error = failure(() => render(template))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toMatch(reason)
  })
})

describe('host data and host functions cannot widen the surface', () => {
  const compiled = compileTemplate('{table}', { variables: ['table'], functions: [] })

  it('does not read inherited properties of the variables record', () => {
    const variables = Object.create({ table: 'inherited' }) as Record<string, string>
    expect(failure(() => compiled.render({ variables })).code).toBe('TEMPLATE_VARIABLE_MISSING')
  })

  it('refuses variables holding objects, functions or cyclic arrays', () => {
    const cyclic: unknown[] = []
    cyclic.push(cyclic)
    for (const value of [{ toString: () => 'x' }, () => 'x', cyclic, Symbol('x')]) {
      const error = failure(() => compiled.render({ variables: { table: value as never } }))
      expect(error.code).toBe('TEMPLATE_RUNTIME')
    }
  })

  it('refuses host values nested deeper than 100 levels', () => {
    let deep: unknown = 'x'
    for (let i = 0; i < 150; i++) deep = [deep]
    const error = failure(() => compiled.render({ variables: { table: deep as never } }))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toMatch(/safety limit exceeded: value nested deeper than 100 levels/)
  })

  it('refuses host function names that are JS internals', () => {
    const error = failure(() => compileTemplate('{toString()}', { variables: [], functions: ['toString'] }))
    expect(error.code).toBe('TEMPLATE_INVALID')
  })

  it('does not call a function the context lacks, even one on Object.prototype', () => {
    const template = compileTemplate('{literal(table)}', { variables: ['table'], functions: ['literal'] })
    const error = failure(() => template.render({ variables: { table: 't' }, functions: Object.create({ literal: () => 'inherited' }) as never }))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toMatch(/function 'literal' is not available/)
  })

  it('wraps what a host function throws or returns badly', () => {
    const template = compileTemplate('{literal(table)}', { variables: ['table'], functions: ['literal'] })
    const thrown = failure(() => template.render({ variables: { table: 't' }, functions: { literal: () => { throw new Error('NUL in value') } } }))
    expect(thrown.code).toBe('TEMPLATE_RUNTIME')
    expect(thrown.message).toMatch(/literal\(\) failed: NUL in value/)
    const returned = failure(() => template.render({ variables: { table: 't' }, functions: { literal: () => ({}) as never } }))
    expect(returned.message).toMatch(/literal\(\) returned a value templates cannot use/)
  })

  it('gives host functions frozen copies, so they cannot change what the template holds', () => {
    let seen: unknown
    const template = compileTemplate('{literal(tags)}{tags}', { variables: ['tags'], functions: ['literal'] })
    const out = template.render({
      variables: { tags: [pyTuple('PII', 'Sensitive')] },
      functions: {
        literal: (value) => {
          seen = value
          return 'x'
        },
      },
    })
    expect(out).toBe("x[('PII', 'Sensitive')]")
    expect(Object.isFrozen(seen)).toBe(true)
  })

  it('still renders normally after all that', () => {
    expect(compileTemplate('{literal(table)}', { variables: ['table'], functions: ['literal'] }).render({ variables: DEFAULT_VARIABLES, functions: HOST_FUNCTIONS })).toBe("'orders'")
  })
})
