import { RevmetaError } from '../errors/revmeta-error.js'
import type { TemplateFault } from './faults.js'
import type { SyntaxFault } from './syntax-fault.js'

/** Long lines are cut around the position so the caret stays readable. */
const WINDOW = 60
/** Details carry the template, but not a megabyte of it. */
const MAX_DETAIL_TEMPLATE = 10_000

/** Lines of context shown before and after the line with the problem. */
const CONTEXT_LINES = 2

export interface Location {
  readonly line: number
  readonly column: number
  /** The template around the position, with line numbers and a caret line under the position. */
  readonly excerpt: string
}

/** 1-based line and column (in code points) of an offset, with the template around it and a caret. */
export function locate(source: string, offset: number): Location {
  const clamped = Math.max(0, Math.min(offset, source.length))
  const lines = source.split('\n').map((text) => text.replace(/\r$/, ''))
  const lineIndex = countNewlines(source, clamped)
  const lineStart = source.lastIndexOf('\n', clamped - 1) + 1
  const before = Array.from(source.slice(lineStart, clamped))
  const after = Array.from((lines[lineIndex] ?? '').slice(clamped - lineStart))
  const shownBefore = before.length > WINDOW ? ['…', ...before.slice(-WINDOW)] : before
  const shownAfter = after.length > WINDOW ? [...after.slice(0, WINDOW), '…'] : after
  // Tabs are kept in the caret line so the caret lines up under tab-indented SQL.
  const caret = shownBefore.map((ch) => (ch === '\t' ? '\t' : ' ')).join('') + '^'
  const first = Math.max(0, lineIndex - CONTEXT_LINES)
  const last = Math.min(lines.length - 1, lineIndex + CONTEXT_LINES)
  const width = String(last + 1).length
  const out: string[] = []
  for (let i = first; i <= last; i++) {
    const gutter = `  ${String(i + 1).padStart(width)} | `
    if (i !== lineIndex) {
      out.push((gutter + cut(lines[i] ?? '')).trimEnd())
      continue
    }
    out.push(gutter + shownBefore.join('') + shownAfter.join(''))
    out.push(`  ${' '.repeat(width)} | ${caret}`)
  }
  return { line: lineIndex + 1, column: before.length + 1, excerpt: out.join('\n') }
}

function cut(line: string): string {
  const chars = Array.from(line)
  return chars.length > WINDOW * 2 ? `${chars.slice(0, WINDOW * 2).join('')}…` : line
}

function countNewlines(source: string, end: number): number {
  let count = 0
  for (let i = source.indexOf('\n'); i >= 0 && i < end; i = source.indexOf('\n', i + 1)) count++
  return count
}

function detailTemplate(source: string): string {
  return source.length > MAX_DETAIL_TEMPLATE ? `${source.slice(0, MAX_DETAIL_TEMPLATE)}…` : source
}

export function invalidTemplate(source: string, fault: SyntaxFault): RevmetaError {
  const where = locate(source, fault.offset)
  return new RevmetaError('TEMPLATE_INVALID', `Invalid template at line ${where.line}, column ${where.column}: ${fault.reason}\n${where.excerpt}`, {
    details: {
      template: detailTemplate(source),
      position: `${where.line}:${where.column}`,
      line: where.line,
      column: where.column,
      reason: fault.reason,
    },
  })
}

export function renderFailure(source: string, fault: TemplateFault): RevmetaError {
  const start = fault.start ?? 0
  const where = locate(source, start)
  const expression = source.slice(start, fault.end ?? start)
  const shownExpression = expression.length > 200 ? `${expression.slice(0, 200)}…` : expression
  const details = {
    template: detailTemplate(source),
    position: `${where.line}:${where.column}`,
    line: where.line,
    column: where.column,
    expression: shownExpression,
    reason: fault.message,
  }
  if (fault.kind === 'MissingVariable') {
    const variable = fault.extra.variable ?? ''
    return new RevmetaError(
      'TEMPLATE_VARIABLE_MISSING',
      `Template reads variable '${variable}', which this operation does not provide (line ${where.line}, column ${where.column})\n${where.excerpt}`,
      { details: { ...details, variable } },
    )
  }
  const kind = fault.kind === 'LimitExceeded' ? 'safety limit exceeded' : fault.kind === 'HostError' ? 'host function error' : fault.kind
  return new RevmetaError(
    'TEMPLATE_RUNTIME',
    `Template failed at line ${where.line}, column ${where.column}: ${kind}: ${fault.message}\n  in: ${shownExpression}\n${where.excerpt}`,
    { details: { ...details, error: fault.kind }, cause: fault.cause ?? fault },
  )
}
