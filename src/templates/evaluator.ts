import { CallArgs } from './arguments.js'
import type { ComprehensionExpr, Expr, Field, FStringExpr, Target } from './ast.js'
import { callBuiltin } from './builtins.js'
import { TemplateFault, typeError, valueError } from './faults.js'
import { formatValue } from './format-spec.js'
import { Budget, checkListLength, checkOutputLength, checkStringLength, withBudget } from './limits.js'
import { binary, compare, unary } from './operators.js'
import { pyAscii, pyRepr, pyStr } from './repr.js'
import { getItem, getSlice, iterate } from './sequences.js'
import { callMethod } from './str-methods.js'
import { PyTuple, fromHost, truthy, typeName, type TemplateValue, type Value } from './values.js'

export type HostFunction = (...args: TemplateValue[]) => TemplateValue

/**
 * Walks the AST for one render. Host records are copied into Maps up front, so no name a
 * template writes is ever used as a property key on a JS object.
 */
export class Evaluator {
  private readonly budget = new Budget()
  private readonly hostValues: Map<string, unknown>
  private readonly values = new Map<string, Value>()
  private readonly functions: Map<string, unknown>
  private readonly scopes: Map<string, Value>[] = []

  constructor(variables: Readonly<Record<string, unknown>>, functions: Readonly<Record<string, unknown>> | undefined) {
    this.hostValues = new Map(Object.entries(variables))
    this.functions = new Map(functions === undefined ? [] : Object.entries(functions))
  }

  render(root: FStringExpr): string {
    return withBudget(this.budget, () => this.fstring(root, checkOutputLength))
  }

  private fstring(node: FStringExpr, checkLength: (length: number) => void = checkStringLength): string {
    const pieces: string[] = []
    let total = 0
    for (const part of node.parts) {
      const text = typeof part === 'string' ? part : this.field(part)
      total += text.length
      checkLength(total)
      this.budget.work(text.length)
      pieces.push(text)
    }
    return pieces.join('')
  }

  private field(field: Field): string {
    const value = this.evaluate(field.expr)
    const spec = field.spec === undefined ? '' : this.fstring(field.spec)
    try {
      // A self-documenting field (`{x=}`) shows repr() unless a conversion or spec says otherwise.
      const conversion = field.conversion ?? (field.selfDoc !== undefined && field.spec === undefined ? 'r' : undefined)
      const converted = conversion === 'r' ? pyRepr(value) : conversion === 's' ? pyStr(value) : conversion === 'a' ? pyAscii(value) : value
      return (field.selfDoc ?? '') + formatValue(converted, spec)
    } catch (error) {
      throw located(error, field.start, field.end)
    }
  }

  private evaluate(node: Expr): Value {
    this.budget.step()
    try {
      return this.evaluateNode(node)
    } catch (error) {
      throw located(error, node.start, node.end)
    }
  }

  private evaluateNode(node: Expr): Value {
    switch (node.kind) {
      case 'const':
        return node.value
      case 'name':
        return node.binding === 'local' ? this.local(node.id) : this.variable(node.id)
      case 'fstring':
        return this.fstring(node)
      case 'list':
      case 'tuple': {
        checkListLength(node.items.length)
        const items = node.items.map((item) => this.evaluate(item))
        return node.kind === 'tuple' ? new PyTuple(items) : Object.freeze(items)
      }
      case 'subscript': {
        const object = this.evaluate(node.object)
        if (node.index.kind !== 'slice') return getItem(object, this.evaluate(node.index))
        const { lower, upper, step } = node.index
        const bound = (part: Expr | undefined): Value | undefined => (part === undefined ? undefined : this.evaluate(part))
        return getSlice(object, bound(lower), bound(upper), bound(step), this.budget)
      }
      case 'call': {
        const call = this.arguments(node.callee, node.args, node.keywords)
        return node.target === 'host' ? this.callHost(call) : callBuiltin(node.callee, call, this.budget)
      }
      case 'method': {
        const self = this.evaluate(node.object)
        return callMethod(self, node.method, this.arguments(node.method, node.args, node.keywords), this.budget)
      }
      case 'comprehension':
        return this.comprehension(node)
      case 'if':
        return truthy(this.evaluate(node.test)) ? this.evaluate(node.body) : this.evaluate(node.orelse)
      case 'boolop': {
        // Python returns the deciding operand itself, not a bool.
        let result: Value = null
        for (const operand of node.values) {
          result = this.evaluate(operand)
          if (truthy(result) === (node.op === 'or')) return result
        }
        return result
      }
      case 'not':
        return !truthy(this.evaluate(node.operand))
      case 'compare': {
        let left = this.evaluate(node.left)
        for (let i = 0; i < node.ops.length; i++) {
          const right = this.evaluate(node.comparators[i] as Expr)
          if (!compare(node.ops[i] as string, left, right)) return false
          left = right
        }
        return true
      }
      case 'binop':
        return binary(node.op, this.evaluate(node.left), this.evaluate(node.right), this.budget)
      case 'unary':
        return unary(node.op, this.evaluate(node.operand))
    }
  }

  private arguments(name: string, args: readonly Expr[], keywords: readonly { name: string; value: Expr }[]): CallArgs {
    const positional = args.map((arg) => this.evaluate(arg))
    const named = new Map<string, Value>()
    for (const keyword of keywords) named.set(keyword.name, this.evaluate(keyword.value))
    return new CallArgs(name, positional, named)
  }

  private variable(id: string): Value {
    const cached = this.values.get(id)
    if (cached !== undefined) return cached
    const raw = this.hostValues.get(id)
    if (raw === undefined) {
      throw new TemplateFault('MissingVariable', `variable '${id}' is not available for this operation`, { variable: id })
    }
    let value: Value
    try {
      value = fromHost(raw)
    } catch (error) {
      if (error instanceof TemplateFault && error.kind === 'LimitExceeded') throw error
      throw typeError(`variable '${id}' holds a value templates cannot use: ${(error as Error).message}`)
    }
    this.values.set(id, value)
    return value
  }

  private local(id: string): Value {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const value = this.scopes[i]?.get(id)
      if (value !== undefined) return value
    }
    throw new TemplateFault('UnboundLocalError', `cannot access local variable '${id}' where it is not associated with a value`)
  }

  private callHost(call: CallArgs): Value {
    const fn = this.functions.get(call.name)
    if (typeof fn !== 'function') throw new TemplateFault('HostError', `function '${call.name}' is not available for this operation`)
    if (call.keywords.size > 0) throw typeError(`${call.name}() takes no keyword arguments`)
    let result: unknown
    try {
      result = (fn as HostFunction)(...call.positional)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new TemplateFault('HostError', `${call.name}() failed: ${message}`, { cause: error })
    }
    try {
      return fromHost(result)
    } catch (error) {
      throw new TemplateFault('HostError', `${call.name}() returned a value templates cannot use: ${(error as Error).message}`, { cause: error })
    }
  }

  private comprehension(node: ComprehensionExpr): Value {
    const out: Value[] = []
    const scope = new Map<string, Value>()
    const [first, ...rest] = node.clauses
    if (first === undefined) return Object.freeze(out)
    // The first iterable is evaluated in the enclosing scope, as in Python.
    const firstItems = iterate(this.evaluate(first.iter), this.budget)
    this.scopes.push(scope)
    try {
      const run = (index: number, items: readonly Value[]): void => {
        const clause = index === 0 ? first : rest[index - 1]
        if (clause === undefined) return
        for (const item of items) {
          this.budget.step()
          this.bind(clause.target, item, scope)
          if (!clause.conditions.every((condition) => truthy(this.evaluate(condition)))) continue
          const next = rest[index]
          if (next === undefined) {
            out.push(this.evaluate(node.element))
            checkListLength(out.length)
          } else {
            run(index + 1, iterate(this.evaluate(next.iter), this.budget))
          }
        }
      }
      run(0, firstItems)
    } finally {
      this.scopes.pop()
    }
    return Object.freeze(out)
  }

  private bind(target: Target, value: Value, scope: Map<string, Value>): void {
    if (target.kind === 'name') {
      scope.set(target.id, value)
      return
    }
    if (typeof value !== 'string' && !Array.isArray(value) && !(value instanceof PyTuple)) {
      throw typeError(`cannot unpack non-iterable ${typeName(value)} object`)
    }
    const items = iterate(value, this.budget)
    const expected = target.items.length
    if (items.length > expected) throw valueError(`too many values to unpack (expected ${expected})`)
    if (items.length < expected) throw valueError(`not enough values to unpack (expected ${expected}, got ${items.length})`)
    target.items.forEach((item, i) => this.bind(item, items[i] ?? null, scope))
  }
}

/** Keeps the innermost location: the first handler to see a fault is the closest expression. */
function located(error: unknown, start: number, end: number): unknown {
  if (error instanceof TemplateFault && error.start === undefined) {
    error.start = start
    error.end = end
  }
  return error
}
