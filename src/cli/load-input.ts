import type { RunInput } from '../engine/run.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { eventId } from '../inputs/event-id.js'
import { normalizeChangeEvents } from '../inputs/normalize-change-events.js'
import { normalizePipeline } from '../inputs/normalize-pipeline.js'
import type { InputLimits } from '../inputs/input-limits.js'
import { normalizeEventArray } from '../inputs/normalize-event-array.js'
import { parseEventsBytes, parseEventsText, readInputBytes, readInputText } from '../inputs/read-input.js'
import { decodeUtf8 } from '../inputs/utf8-text.js'

export interface InputFlags {
  readonly events?: string
  readonly pipeline?: string
  readonly sync?: boolean
}

/**
 * Reads exactly one of --events / --pipeline into normalized changes. `keepEvents: false` drops
 * the raw events once normalized: only the durable store needs them (to deduplicate by id), and
 * an in-memory run of a large file would otherwise hold every parsed event to the end.
 */
export async function loadInput(flags: InputFlags, options: { keepEvents?: boolean; limits?: InputLimits } = {}): Promise<RunInput> {
  const given = [flags.events !== undefined, flags.pipeline !== undefined, flags.sync === true].filter(Boolean).length
  if (given !== 1) throw new RevmetaError('CONFIG_INVALID', 'Give exactly one of --events FILE, --pipeline FILE or --sync')
  if (flags.sync) throw new RevmetaError('UNSUPPORTED', '--sync needs a catalog to read the desired state from; it arrives with the catalog integration (revmeta sync)')
  if (flags.events !== undefined) {
    const source = flags.events === '-' ? 'standard input' : flags.events
    const bytes = await readInputBytes(flags.events, options.limits ? { maxBytes: options.limits.maxInputBytes } : {})
    const decoded = decodeUtf8(bytes)
    // Without the raw events to keep, a clean array is normalized element by element as it is parsed.
    const fused = options.keepEvents === false && !decoded.invalid ? normalizeEventArray(decoded.text, source, options.limits) : undefined
    if (fused !== undefined) return { items: fused.items, normalized: fused.normalized, readErrors: fused.readErrors }
    const { items, errors } = decoded.invalid ? parseEventsBytes(bytes, source, options.limits) : parseEventsText(decoded.text, source, options.limits)
    const normalized = normalizeChangeEvents(items)
    const events = options.keepEvents === false ? undefined : items.map((payload) => ({ id: eventId(payload), payload }))
    return { items: items.length + errors.length, normalized, readErrors: errors, ...(events ? { events } : {}) }
  }
  const source = flags.pipeline === '-' ? 'standard input' : flags.pipeline!
  const text = await readInputText(flags.pipeline!, process.stdin, options.limits?.maxInputBytes)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new RevmetaError('INPUT_UNREADABLE', `${source} is not valid JSON: ${(cause as Error).message}`, { cause, details: { source } })
  }
  const normalized = normalizePipeline(json)
  return { items: normalized.items ?? 0, normalized }
}
