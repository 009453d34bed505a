import { readFile } from 'node:fs/promises'
import { RevmetaError } from '../errors/revmeta-error.js'
import { isRecord } from './input-errors.js'

/**
 * Splits an events file into items: a JSON array, a single JSON object (one webhook body), the
 * `{data: [...]}` answer of GET /api/v1/events, or JSON lines. In JSON lines a bad line is
 * reported and skipped so one truncated line does not lose a day of events.
 */
export function parseEventsText(text: string, source: string): { items: unknown[]; errors: RevmetaError[] } {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim().length === 0) return { items: [], errors: [] }
  let whole: unknown
  let wholeError: Error | undefined
  try {
    whole = JSON.parse(body) as unknown
  } catch (error) {
    wholeError = error as Error
  }
  if (wholeError === undefined) {
    if (Array.isArray(whole)) return { items: whole, errors: [] }
    if (isRecord(whole)) return { items: isEventList(whole) ? whole.data : [whole], errors: [] }
    return { items: [], errors: [unreadable(source, 'it holds a single JSON value, not an event, an array of events or JSON lines')] }
  }
  return parseJsonLines(body, source, wholeError)
}

function parseJsonLines(body: string, source: string, wholeError: Error): { items: unknown[]; errors: RevmetaError[] } {
  const items: unknown[] = []
  const errors: RevmetaError[] = []
  body.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return
    try {
      const value = JSON.parse(line) as unknown
      if (Array.isArray(value)) items.push(...value)
      else items.push(value)
    } catch (error) {
      errors.push(
        new RevmetaError('INPUT_MALFORMED', `${source}, line ${i + 1}: not valid JSON (${(error as Error).message}); the line is skipped`, {
          details: { source, line: i + 1 },
          cause: error,
        }),
      )
    }
  })
  if (items.length === 0) {
    return { items, errors: [unreadable(source, `it is neither a JSON document nor JSON lines (${wholeError.message})`, wholeError)] }
  }
  return { items, errors }
}

function isEventList(value: Record<string, unknown>): value is { data: unknown[] } {
  return Array.isArray(value.data) && value.eventType === undefined && value.entityType === undefined
}

function unreadable(source: string, why: string, cause?: unknown): RevmetaError {
  return new RevmetaError('INPUT_UNREADABLE', `Cannot read events from ${source}: ${why}`, { details: { source }, cause })
}

/** The text of a file, or of standard input for '-'. */
export async function readInputText(pathOrDash: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  try {
    if (pathOrDash !== '-') return await readFile(pathOrDash, 'utf8')
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    return Buffer.concat(chunks).toString('utf8')
  } catch (error) {
    const path = pathOrDash === '-' ? 'standard input' : pathOrDash
    throw new RevmetaError('INPUT_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, { details: { path }, cause: error })
  }
}
