/**
 * Custom SQL templates with Python f-string semantics, evaluated by a purpose-built interpreter:
 * no eval, no Function, no property lookups by user-written names.
 *
 * The template is the body of `f"""…"""`: literal text, `{{`/`}}`, and fields
 * `{expr[=][!r|!s|!a][:spec]}`. Literal text is taken as written (backslashes are not escapes,
 * as in rf"""…"""), because SQL is full of backslashes and a YAML value is already unescaped
 * once. String literals inside expressions do use Python escapes.
 *
 * Values: str ↔ string, int ↔ bigint, float ↔ number, bool ↔ boolean, None ↔ null,
 * list ↔ frozen array, tuple ↔ PyTuple (build with pyTuple()). Host functions receive exactly
 * that. In variables, pyTuple() items and host function results a plain JS number is read for
 * convenience: an integer is an int, anything else a float; pyFloat(3) passes the float 3.0.
 *
 * Every evaluated read of an absent variable fails with TEMPLATE_VARIABLE_MISSING, including in a
 * condition: write one template per level rather than testing for a variable.
 *
 * Left out of Python on purpose: attribute access other than whitelisted method calls, dicts and
 * sets, lambda, walrus, bitwise operators, %-formatting, *args/**kwargs, key= arguments, bytes,
 * complex numbers and \N{…} escapes. range/zip/enumerate/reversed and bare generator expressions
 * produce lists. Nested f-strings follow 3.11 (no reuse of the enclosing quote) but, like 3.12,
 * allow backslashes inside expressions. Limits: see LIMITS.
 */
import { RevmetaError, isRevmetaError } from '../errors/revmeta-error.js'
import type { FStringExpr } from './ast.js'
import { invalidTemplate, renderFailure } from './diagnostics.js'
import { Evaluator, type HostFunction } from './evaluator.js'
import { TemplateFault } from './faults.js'
import { parseFStringBody } from './fstring-parser.js'
import { LIMITS } from './limits.js'
import { pyAscii as asciiOf, pyRepr as reprOf, pyStr as strOf } from './repr.js'
import { resolveTemplate } from './resolver.js'
import { SyntaxFault } from './syntax-fault.js'
import { fromHost, pyFloat as floatOf, pyList as listOf, pyTuple as tupleOf, PyFloat, PyTuple, type PyList, type TemplateValue, type Value } from './values.js'

export { LIMITS, PyFloat, PyTuple }
export type { HostFunction, PyList, TemplateValue, Value }

export interface TemplateContext {
  /** `undefined` (or a missing key) means the variable does not exist for this operation. */
  readonly variables: Readonly<Record<string, TemplateValue | undefined>>
  /** Host functions such as `literal` and `ident`; they receive internal values (see Value). */
  readonly functions?: Readonly<Record<string, HostFunction>>
}

export interface CompiledTemplate {
  readonly source: string
  /** Free variable names the template reads (not functions, not comprehension variables). */
  readonly variables: ReadonlySet<string>
  render(context: TemplateContext): string
}

export interface CompileOptions {
  /** Names a template may read. */
  readonly variables: readonly string[]
  /** Names of host functions the context will supply; they shadow builtins of the same name. */
  readonly functions: readonly string[]
}

/** Parses and binds a template; throws TEMPLATE_INVALID with the position and a caret. */
export function compileTemplate(source: string, options: CompileOptions): CompiledTemplate {
  if (typeof source !== 'string') {
    throw new RevmetaError('TEMPLATE_INVALID', 'A template must be a string', { details: { reason: 'not a string' } })
  }
  let root: FStringExpr
  let variables: Set<string>
  try {
    if (source.length > LIMITS.maxTemplateLength) {
      throw new SyntaxFault(LIMITS.maxTemplateLength, `template longer than ${LIMITS.maxTemplateLength.toLocaleString('en-US')} characters`)
    }
    root = parseFStringBody({ source, depth: 0 }, 0, source.length, true)
    variables = resolveTemplate(root, { variables: new Set(options.variables), functions: new Set(options.functions) })
  } catch (error) {
    if (error instanceof SyntaxFault) throw invalidTemplate(source, error)
    throw internal(error)
  }
  const frozenVariables: ReadonlySet<string> = variables
  return Object.freeze({
    source,
    variables: frozenVariables,
    render(context: TemplateContext): string {
      try {
        return new Evaluator(context.variables, context.functions).render(root)
      } catch (error) {
        if (error instanceof TemplateFault) throw renderFailure(source, error)
        throw internal(error)
      }
    },
  })
}

function internal(error: unknown): RevmetaError {
  if (isRevmetaError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new RevmetaError('INTERNAL', `Template engine failure: ${message}`, { cause: error })
}

/** Runs a helper that may throw a TemplateFault on behalf of host code, which expects RevmetaError. */
function hostFacing<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof TemplateFault) throw new RevmetaError('TEMPLATE_RUNTIME', error.message, { cause: error })
    throw error
  }
}

/** A Python tuple for template contexts, e.g. tags: [pyTuple('PII', 'Sensitive')]. */
export function pyTuple(...items: TemplateValue[]): PyTuple {
  return hostFacing(() => tupleOf(...items))
}

export function pyList(...items: TemplateValue[]): PyList {
  return hostFacing(() => listOf(...items))
}

export function pyFloat(value: number): PyFloat {
  return floatOf(value)
}

/*
 * pyRepr/pyStr/pyAscii take values as host functions receive them from a template: a bigint is
 * an int and a JS number is always a float, so literal(2.0) can print '2.0' as Python does.
 * (pyTuple and context variables instead read an integral JS number as an int.)
 */

/** Python's repr(), e.g. pyRepr([pyTuple('a', 'b')]) === "[('a', 'b')]". */
export function pyRepr(value: TemplateValue): string {
  return hostFacing(() => reprOf(fromHost(value, 0, false)))
}

/** Python's str(). */
export function pyStr(value: TemplateValue): string {
  return hostFacing(() => strOf(fromHost(value, 0, false)))
}

export function pyAscii(value: TemplateValue): string {
  return hostFacing(() => asciiOf(fromHost(value, 0, false)))
}
