import type { Expr, Field, FStringExpr, KeywordArg, Slice, Target } from './ast.js'
import { LIMITS } from './limits.js'
import { BUILTIN_FUNCTIONS, refusal, suggest } from './names.js'
import { SyntaxFault } from './syntax-fault.js'

export interface Namespace {
  readonly variables: ReadonlySet<string>
  readonly functions: ReadonlySet<string>
}

/**
 * Binds every name at compile time, so a template that names something that does not exist
 * fails when the configuration loads rather than on the first event. Returns the free variables.
 */
export function resolveTemplate(root: FStringExpr, namespace: Namespace): Set<string> {
  checkDepth(root)
  const resolver = new Resolver(namespace)
  resolver.fstring(root)
  return resolver.free
}

class Resolver {
  readonly free = new Set<string>()
  private readonly scopes: Set<string>[] = []

  constructor(private readonly ns: Namespace) {}

  fstring(node: FStringExpr): void {
    for (const part of node.parts) if (typeof part !== 'string') this.field(part)
  }

  private field(field: Field): void {
    this.expr(field.expr)
    if (field.spec !== undefined) this.fstring(field.spec)
  }

  private expr(node: Expr): void {
    switch (node.kind) {
      case 'const':
        return
      case 'name':
        return this.name(node)
      case 'fstring':
        return this.fstring(node)
      case 'list':
      case 'tuple':
        return node.items.forEach((item) => this.expr(item))
      case 'subscript':
        this.expr(node.object)
        return node.index.kind === 'slice' ? this.slice(node.index) : this.expr(node.index)
      case 'call':
        this.callee(node)
        return this.arguments(node.args, node.keywords)
      case 'method':
        this.expr(node.object)
        return this.arguments(node.args, node.keywords)
      case 'comprehension':
        return this.comprehension(node)
      case 'if':
        this.expr(node.test)
        this.expr(node.body)
        return this.expr(node.orelse)
      case 'boolop':
        return node.values.forEach((value) => this.expr(value))
      case 'not':
      case 'unary':
        return this.expr(node.operand)
      case 'compare':
        this.expr(node.left)
        return node.comparators.forEach((value) => this.expr(value))
      case 'binop':
        this.expr(node.left)
        return this.expr(node.right)
    }
  }

  private name(node: Expr & { kind: 'name' }): void {
    const refused = refusal(node.id)
    if (refused !== undefined) throw new SyntaxFault(node.start, refused)
    if (this.scopes.some((scope) => scope.has(node.id))) {
      node.binding = 'local'
      return
    }
    if (this.ns.variables.has(node.id)) {
      node.binding = 'variable'
      this.free.add(node.id)
      return
    }
    if (this.ns.functions.has(node.id) || BUILTIN_FUNCTIONS.has(node.id)) {
      throw new SyntaxFault(node.start, `'${node.id}' is a function; call it, as in ${node.id}(...)`)
    }
    const hint = suggest(node.id, [...this.ns.variables, ...this.scopes.flatMap((scope) => [...scope])])
    const known = [...this.ns.variables].join(', ')
    throw new SyntaxFault(node.start, `unknown variable '${node.id}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}; known variables: ${known || 'none'}`)
  }

  private callee(node: Expr & { kind: 'call' }): void {
    const refused = refusal(node.callee)
    if (refused !== undefined) throw new SyntaxFault(node.calleeStart, refused)
    if (this.scopes.some((scope) => scope.has(node.callee)) || this.ns.variables.has(node.callee)) {
      throw new SyntaxFault(node.calleeStart, `'${node.callee}' is a variable, not a function`)
    }
    if (this.ns.functions.has(node.callee)) {
      node.target = 'host'
      return
    }
    if (BUILTIN_FUNCTIONS.has(node.callee)) {
      node.target = 'builtin'
      return
    }
    const hint = suggest(node.callee, [...this.ns.functions, ...BUILTIN_FUNCTIONS])
    throw new SyntaxFault(node.calleeStart, `unknown function '${node.callee}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`)
  }

  private arguments(args: readonly Expr[], keywords: readonly KeywordArg[]): void {
    for (const arg of args) this.expr(arg)
    for (const keyword of keywords) this.expr(keyword.value)
  }

  private slice(node: Slice): void {
    for (const part of [node.lower, node.upper, node.step]) if (part !== undefined) this.expr(part)
  }

  /** Python evaluates the first iterable outside the comprehension; everything else sees its variables. */
  private comprehension(node: Expr & { kind: 'comprehension' }): void {
    const scope = new Set<string>()
    for (const clause of node.clauses) this.bind(clause.target, scope)
    const [first, ...rest] = node.clauses
    if (first !== undefined) this.expr(first.iter)
    this.scopes.push(scope)
    for (const condition of first?.conditions ?? []) this.expr(condition)
    for (const clause of rest) {
      this.expr(clause.iter)
      for (const condition of clause.conditions) this.expr(condition)
    }
    this.expr(node.element)
    this.scopes.pop()
  }

  private bind(target: Target, scope: Set<string>): void {
    if (target.kind === 'unpack') return target.items.forEach((item) => this.bind(item, scope))
    const refused = refusal(target.id)
    if (refused !== undefined) throw new SyntaxFault(target.start, refused)
    scope.add(target.id)
  }
}

/**
 * Measured without recursion, so a 10,000-term `a + a + ...` (which the parser builds in a loop)
 * cannot overflow the stack in the recursive passes that follow. Only nodes with a `kind` count;
 * a level of syntax is up to two nodes (a field and its expression), hence the factor.
 */
function checkDepth(root: FStringExpr): void {
  const stack: [object, number][] = [[root, 0]]
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, depth] = entry
    const level = 'kind' in node ? depth + 1 : depth
    if (level > LIMITS.maxDepth * 2) {
      throw new SyntaxFault('start' in node ? Number(node.start) : 0, `expression nested deeper than ${LIMITS.maxDepth} levels`)
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (typeof item === 'object' && item !== null) stack.push([item, level])
      } else if (typeof value === 'object' && value !== null) {
        stack.push([value, level])
      }
    }
  }
}
