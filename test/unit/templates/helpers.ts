import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { RevmetaError } from '../../../src/errors/revmeta-error.js'
import { PyFloat, PyTuple, compileTemplate, pyStr, pyTuple, type HostFunction, type TemplateValue } from '../../../src/templates/index.js'

/** The OpenMetadata variables plus a few extra values the conformance rows use. */
export const DEFAULT_VARIABLES: Readonly<Record<string, TemplateValue>> = {
  database: 'db',
  schema: 'sales',
  table: 'orders',
  column: 'order_id',
  // The caller pre-quotes the description as a SQL literal, as OpenMetadata's examples expect.
  description: "'new description'",
  owner: 'admin',
  tag_key: 'PII',
  tag_value: 'Sensitive',
  tags: [pyTuple('PII', 'Sensitive')],
  n: 42,
  f: 1234.5678,
  width: 12,
  fill: '-',
  big: 1234567890123,
  text: 'a\nb\r\nc',
  quoted: 'it\'s "x"',
  multi: [pyTuple('PII', 'Sensitive'), pyTuple('Tier', 'Tier1'), pyTuple('env', 'prod')],
  empty: [],
  flag: false,
  none: null,
  uni: 'héllo 日本 😀',
}

/** Same behaviour as literal()/ident() in test/fixtures/templates/render_fstrings.py. */
export const HOST_FUNCTIONS: Readonly<Record<string, HostFunction>> = {
  literal: (value) => `'${pyStr(value).replace(/'/g, "''")}'`,
  ident: (value) => `"${pyStr(value).replace(/"/g, '""')}"`,
}

export const VARIABLE_NAMES = [...Object.keys(DEFAULT_VARIABLES), 'catalog']
export const FUNCTION_NAMES = Object.keys(HOST_FUNCTIONS)

export function render(template: string, overrides: Readonly<Record<string, TemplateValue | undefined>> = {}): string {
  const compiled = compileTemplate(template, { variables: VARIABLE_NAMES, functions: FUNCTION_NAMES })
  return compiled.render({ variables: { ...DEFAULT_VARIABLES, ...overrides }, functions: HOST_FUNCTIONS })
}

/** The RevmetaError a call throws (failing the test when it throws nothing or something else). */
export function failure(fn: () => unknown): RevmetaError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(RevmetaError)
    return error as RevmetaError
  }
  throw new Error('expected a RevmetaError, but nothing was thrown')
}

/** JSON for render_fstrings.py: ints, floats and tuples are tagged, as JSON cannot tell them apart. */
export function encodeForPython(value: TemplateValue): unknown {
  if (value instanceof PyTuple) return { tuple: value.items.map(encodeForPython) }
  if (value instanceof PyFloat) return { float: String(value.value) }
  if (Array.isArray(value)) return value.map(encodeForPython)
  if (typeof value === 'bigint') return { int: value.toString() }
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { int: String(value) } : { float: String(value) }
  return value
}

const SCRIPT = fileURLToPath(new URL('../../fixtures/templates/render_fstrings.py', import.meta.url))

export function pythonAvailable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 11))'], { encoding: 'utf8' })
  return probe.status === 0 && probe.stdout.trim() === 'True'
}

export type PythonResult = { ok: string } | { error: string }

/** Renders each template with python3 itself. */
export function renderWithPython(cases: readonly { template: string; variables: Readonly<Record<string, TemplateValue | undefined>> }[]): PythonResult[] {
  const input = cases.map(({ template, variables }) => ({
    template,
    variables: Object.fromEntries(Object.entries(variables).flatMap(([k, v]) => (v === undefined ? [] : [[k, encodeForPython(v)]]))),
  }))
  const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as PythonResult[]
}
