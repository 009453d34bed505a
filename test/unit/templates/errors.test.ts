import { describe, expect, it } from 'vitest'
import { compileTemplate } from '../../../src/templates/index.js'
import { failure } from './helpers.js'

const OPTIONS = { variables: ['database', 'schema', 'table', 'column', 'description', 'tags'], functions: ['literal'] }

function compileError(template: string) {
  return failure(() => compileTemplate(template, OPTIONS))
}

describe('parse errors point at the problem', () => {
  it('shows the template line, a caret, the 1-based position and the reason', () => {
    const error = compileError('ALTER TABLE {table')
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.message).toBe("Invalid template at line 1, column 13: f-string: expecting '}'\n  1 | ALTER TABLE {table\n    |             ^")
    expect(error.details).toEqual({
      template: 'ALTER TABLE {table',
      position: '1:13',
      line: 1,
      column: 13,
      reason: "f-string: expecting '}'",
    })
  })

  it('counts lines and columns in multi-line templates and shows the lines around', () => {
    const error = compileError('-- 1\n-- 2\nSELECT 1;\n  COMMENT ON {schema.} IS x\n-- 5\n-- 6\n-- 7\n-- 8\n-- 9\n-- 10')
    expect(error.details).toMatchObject({ line: 4, column: 22, position: '4:22' })
    expect(error.message).toBe(
      "Invalid template at line 4, column 22: expected a method name after '.', found '}'\n" +
        '  2 | -- 2\n' +
        '  3 | SELECT 1;\n' +
        '  4 |   COMMENT ON {schema.} IS x\n' +
        '    |                      ^\n' +
        '  5 | -- 5\n' +
        '  6 | -- 6',
    )
  })

  it('widens the line-number gutter for two-digit lines', () => {
    const error = compileError(`${'--\n'.repeat(9)}{nope}`)
    expect(error.message.split('\n').slice(-2)).toEqual(['  10 | {nope}', '     |  ^'])
  })

  it('keeps tabs in the caret line so the caret lines up under tab-indented SQL', () => {
    const error = compileError('\t\tCOMMENT ON {tabel}')
    expect(error.message).toContain("unknown variable 'tabel' (did you mean 'table'?)")
    expect(error.message.endsWith('\n  1 | \t\tCOMMENT ON {tabel}\n    | \t\t            ^')).toBe(true)
  })

  it('cuts long lines around the position', () => {
    const error = compileError(`${'x'.repeat(200)}{oops}${'y'.repeat(200)}`)
    const [, shown, caret] = error.message.split('\n')
    expect(shown?.startsWith('  1 | …')).toBe(true)
    expect(shown?.endsWith('…')).toBe(true)
    expect(shown?.slice(caret?.indexOf('^') ?? -1)).toMatch(/^oops}y/)
    expect(error.details.column).toBe(202)
  })

  it('counts columns in code points', () => {
    expect(compileError('😀😀 {nope}').details.column).toBe(5)
  })

  it.each([
    ['}', '1:1', "single '}' is not allowed"],
    ['{}', '1:2', 'empty expression not allowed'],
    ['{table!z}', '1:8', "invalid conversion character: expected 's', 'r', or 'a'"],
    ['{table!r }', '1:8', 'invalid conversion character'],
    ['{1 +}', '1:5', "expected an expression, found '}'"],
    ["{'abc}", '1:2', 'unterminated string literal'],
    ['{table if column}', '1:17', "expected 'else', found '}'"],
    ['{[k for k in]}', '1:13', "expected an expression, found ']'"],
    ['{table:{}}', '1:9', 'empty expression not allowed'],
    ["{f'{'a'}'}", '1:4', "expecting '}'"],
    ['{1 2}', '1:4', "expecting '}' after the expression, found '2'"],
    ['{table)}', '1:7', "found ')'"],
    ['{0012}', '1:2', 'leading zeros in decimal integer literals are not permitted'],
    ["{'\\x4'}", '1:3', 'truncated \\xXX escape'],
    ['{foo(1)}', '1:2', "unknown function 'foo'"],
    ['{table:{width}}', '1:9', "unknown variable 'width'"],
    ['{table.upper(}', '1:14', "expected an expression, found '}'"],
    ['{x:{{y}}}', '1:4', "'{{' is not allowed in a format spec"],
  ])('%s fails at %s', (template, position, reason) => {
    const error = compileError(template)
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.details.position).toBe(position)
    expect(error.details.reason).toContain(reason)
    expect(error.message).toContain(reason)
    expect(error.details.template).toBe(template)
  })

  it('refuses a non-string template', () => {
    expect(failure(() => compileTemplate(42 as unknown as string, OPTIONS)).code).toBe('TEMPLATE_INVALID')
  })
})

describe('compiled templates report their free variables', () => {
  it('lists variables read, not functions or comprehension variables', () => {
    const template = compileTemplate("{schema}.{table} {[k for k, v in tags if v != schema]} {literal(description)} {len(table)}", OPTIONS)
    expect([...template.variables].sort()).toEqual(['description', 'schema', 'table', 'tags'])
  })

  it('keeps the source', () => {
    expect(compileTemplate('{table}', OPTIONS).source).toBe('{table}')
  })
})

describe('a variable the operation does not have fails at render', () => {
  const template = compileTemplate('COMMENT ON COLUMN {table}.{column} IS {description};', OPTIONS)

  it('names the variable and points at it', () => {
    const error = failure(() => template.render({ variables: { table: 't', description: "'d'" } }))
    expect(error.code).toBe('TEMPLATE_VARIABLE_MISSING')
    expect(error.details).toMatchObject({ variable: 'column', line: 1, column: 28, position: '1:28' })
    expect(error.message).toBe(
      "Template reads variable 'column', which this operation does not provide (line 1, column 28)\n" +
        '  1 | COMMENT ON COLUMN {table}.{column} IS {description};\n' +
        '    |                            ^',
    )
  })

  it('treats undefined as absent and null as None', () => {
    expect(failure(() => template.render({ variables: { table: 't', column: undefined, description: "'d'" } })).details.variable).toBe('column')
    expect(template.render({ variables: { table: 't', column: null, description: "'d'" } })).toBe("COMMENT ON COLUMN t.None IS 'd';")
  })

  it('fails on any evaluated read, including in a condition', () => {
    const conditional = compileTemplate('{column if column else table}', OPTIONS)
    expect(failure(() => conditional.render({ variables: { table: 't' } })).code).toBe('TEMPLATE_VARIABLE_MISSING')
  })

  it('does not fail on reads that are never evaluated', () => {
    const guarded = compileTemplate('{table if True else column}{[column for c in []]}{table or column}', OPTIONS)
    expect(guarded.render({ variables: { table: 't' } })).toBe('t[]t')
  })
})

describe('runtime errors name the expression', () => {
  const render = (template: string) => compileTemplate(template, OPTIONS).render({ variables: { table: 'orders' }, functions: { literal: (v) => `'${String(v)}'` } })

  it('reports a type error like Python, at the innermost expression', () => {
    const error = failure(() => render("{table}{'a' + 1}"))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toBe(
      'Template failed at line 1, column 9: TypeError: can only concatenate str (not "int") to str\n' + "  in: 'a' + 1\n" + "  1 | {table}{'a' + 1}\n" + '    |         ^',
    )
    expect(error.details).toMatchObject({ expression: "'a' + 1", error: 'TypeError', position: '1:9' })
  })

  it.each([
    ['{table[10]}', 'IndexError: string index out of range', 'table[10]'],
    ['{table:d}', "ValueError: Unknown format code 'd' for object of type 'str'", '{table:d}'],
    ['{int(table)}', "ValueError: invalid literal for int() with base 10: 'orders'", 'int(table)'],
    ['{1 // 0}', 'ZeroDivisionError: integer division or modulo by zero', '1 // 0'],
    ['{table.index("z")}', 'ValueError: substring not found', 'table.index("z")'],
    ['{[1, 2][5]}', 'IndexError: list index out of range', '[1, 2][5]'],
    ['{len(5)}', "TypeError: object of type 'int' has no len()", 'len(5)'],
    ["{'a' < 1}", "TypeError: '<' not supported between instances of 'str' and 'int'", "'a' < 1"],
    ['{[a for a, b in [1]]}', 'TypeError: cannot unpack non-iterable int object', '[a for a, b in [1]]'],
    ["{'{}{}'.format(1)}", 'IndexError: Replacement index 1 out of range for positional args tuple', "'{}{}'.format(1)"],
    ['{table.upper(1)}', 'TypeError: upper() takes no arguments (1 given)', 'table.upper(1)'],
    ['{sorted([1], key=table)}', 'TypeError: sorted(key=...) is not supported in templates', 'sorted([1], key=table)'],
  ])('%s', (template, message, expression) => {
    const error = failure(() => render(template))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toContain(message)
    expect(error.details.expression).toBe(expression)
  })

  it('reports a host function the context does not supply', () => {
    const template = compileTemplate('{literal(table)}', OPTIONS)
    const error = failure(() => template.render({ variables: { table: 't' } }))
    expect(error.code).toBe('TEMPLATE_RUNTIME')
    expect(error.message).toContain("function 'literal' is not available for this operation")
  })
})
