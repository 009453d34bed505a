import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { deepFreeze } from '../../src/config/deep-freeze.js'
import { depthExceeds } from '../../src/inputs/input-limits.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { parseEventsBytes, parseEventsText } from '../../src/inputs/read-input.js'
import { streamEvents, type StreamedEvent } from '../../src/inputs/stream-events.js'
import { decodeUtf8, parseEventBody, Utf8StreamDecoder } from '../../src/inputs/utf8-text.js'

const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`
const event = (id: string, extra = '') => `{"id":"${id}","eventType":"entityUpdated","entityType":"table"${extra}}`
const latin1 = Buffer.from(event('latin', ',"text":"caf\u00e9"'), 'latin1')

async function stream(chunks: (string | Buffer)[], limits = {}): Promise<StreamedEvent[]> {
  const out: StreamedEvent[] = []
  for await (const e of streamEvents(Readable.from(chunks, { objectMode: false }), { name: 'in', limits })) out.push(e)
  return out
}
const ids = (entries: readonly { item?: unknown }[]) => entries.filter((e) => e.item !== undefined).map((e) => (e.item as { id: string }).id)
const codes = (entries: readonly StreamedEvent[]) => entries.flatMap((e) => (e.error ? [e.error.code] : []))

describe('nesting depth', () => {
  const lines = `${event('a')}\n${event('deep', `,"junk":${deep(10_000)}`)}\n${event('c')}\n`
  const array = `[${event('a')},${event('deep', `,"junk":${deep(10_000)}`)},${event('c')}]`

  it('refuses an event nested 10,000 deep, even in an ignored field, and keeps the others (whole and streamed)', async () => {
    for (const text of [lines, array]) {
      const whole = parseEventsText(text, 'in')
      expect(whole.items.map((i) => (i as { id: string }).id)).toEqual(['a', 'c'])
      expect(whole.errors.map((e) => e.code)).toEqual(['INPUT_TOO_DEEP'])
      const streamed = await stream([text.slice(0, 100), text.slice(100)])
      expect(ids(streamed)).toEqual(['a', 'c'])
      expect(codes(streamed)).toEqual(['INPUT_TOO_DEEP'])
    }
  })

  it('takes an event exactly at the limit, refuses one level more', () => {
    expect(depthExceeds(JSON.parse(deep(127)), 128)).toBe(false)
    expect(depthExceeds(JSON.parse(deep(129)), 128)).toBe(true)
    expect(parseEventsText(`[${event('x', `,"j":${deep(7)}`)}]`, 'in', { maxDepth: 8 }).errors).toEqual([])
    expect(parseEventsText(`[${event('x', `,"j":${deep(8)}`)}]`, 'in', { maxDepth: 8 }).errors[0]?.code).toBe('INPUT_TOO_DEEP')
  })

  it('freezes a deep config without overflowing', () => {
    const value = JSON.parse(deep(100_000)) as unknown[]
    expect(Object.isFrozen(deepFreeze(value))).toBe(true)
  })
})

describe('event and input size', () => {
  const big = event('big', `,"text":"${'x'.repeat(5_000)}"`)

  it('skips an element or line past maxEventChars and reads on', async () => {
    for (const text of [`[${event('a')},${big},${event('c')}]`, `${event('a')}\n${big}\n${event('c')}`]) {
      const whole = parseEventsText(text, 'in', { maxEventChars: 1_000 })
      expect(whole.items.map((i) => (i as { id: string }).id)).toEqual(['a', 'c'])
      expect(whole.errors.map((e) => e.code)).toEqual(['INPUT_TOO_LARGE'])
      const streamed = await stream(text.match(/[\s\S]{1,300}/g)!, { maxEventChars: 1_000 })
      expect(ids(streamed)).toEqual(['a', 'c'])
      expect(codes(streamed)).toEqual(['INPUT_TOO_LARGE'])
    }
  })

  it('stops reading at maxInputBytes, keeping what came before and saying so', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => `${event(`e${i}`)}\n`)
    const entries = await stream(chunks, { maxInputBytes: chunks[0]!.length * 3 })
    expect(ids(entries)).toEqual(['e0', 'e1', 'e2'])
    expect(entries.at(-1)?.error).toMatchObject({ code: 'INPUT_TOO_LARGE', details: { maxInputBytes: chunks[0]!.length * 3 } })
  })
})

describe('UTF-8', () => {
  it('refuses the Latin-1 line or element alone, never writing U+FFFD', async () => {
    const good = (id: string) => Buffer.from(event(id, ',"text":"café ☃ 😀"'))
    const jsonLines = Buffer.concat([Buffer.from('\uFEFF'), good('a'), Buffer.from('\n'), latin1, Buffer.from('\n'), good('c')])
    const array = Buffer.concat([Buffer.from('['), good('a'), Buffer.from(','), latin1, Buffer.from(','), good('c'), Buffer.from(']')])
    for (const bytes of [jsonLines, array]) {
      const whole = parseEventsBytes(bytes, 'in')
      expect(whole.items).toEqual([expect.objectContaining({ id: 'a', text: 'café ☃ 😀' }), expect.objectContaining({ id: 'c' })])
      expect(whole.errors.map((e) => e.code)).toEqual(['INPUT_NOT_UTF8'])
      // Streamed one byte at a time: characters split across chunks still decode, the bad one is still refused.
      const streamed = await stream([...bytes].map((b) => Buffer.from([b])))
      expect(ids(streamed)).toEqual(['a', 'c'])
      expect(codes(streamed)).toEqual(['INPUT_NOT_UTF8'])
      expect(JSON.stringify(streamed)).not.toContain('\uFFFD')
    }
  })

  it('refuses a single document holding bad bytes, and a webhook body', () => {
    expect(parseEventsBytes(latin1, 'in').errors.map((e) => e.code)).toEqual(['INPUT_NOT_UTF8'])
    expect(() => parseEventBody(latin1)).toThrow(expect.objectContaining({ code: 'INPUT_NOT_UTF8' }))
    expect(() => parseEventBody(Buffer.from(event('d', `,"j":${deep(500)}`)))).toThrow(expect.objectContaining({ code: 'INPUT_TOO_DEEP' }))
    expect(() => parseEventBody(Buffer.from('{nope'))).toThrow(expect.objectContaining({ code: 'INPUT_MALFORMED' }))
    expect(parseEventBody(Buffer.from(`\uFEFF${event('ok')}`))).toMatchObject({ id: 'ok' })
  })

  it('decodes every split of valid text like one fatal decode, and marks only invalid bytes', () => {
    const text = 'a é ☃ 😀 \uFEFF \uDBFF\uDFFF z'
    const bytes = Buffer.from(text)
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new Utf8StreamDecoder()
      expect(d.write(bytes.subarray(0, cut)) + d.write(bytes.subarray(cut)) + d.end()).toBe(text)
      expect(d.invalid).toBe(false)
    }
    for (const bad of [[0xe9], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x98]]) {
      expect(decodeUtf8(Buffer.from([0x61, ...bad, 0x62]))).toMatchObject({ invalid: true, text: expect.stringMatching(/^a\uDFFF+b$/) })
    }
  })
})

describe('fieldsAdded / fieldsUpdated without newValue', () => {
  const withFields = (fields: object[]) => ({ id: 'x', eventType: 'entityUpdated', entityType: 'table', entityFullyQualifiedName: 'svc.db.sch.t', changeDescription: { fieldsUpdated: fields } })

  it('is malformed, not a removal of the comment or of the tags', () => {
    for (const field of [{ name: 'description', oldValue: 'old' }, { name: 'description', oldValue: 'old', newValue: null }, { name: 'tags', oldValue: '[{"tagFQN":"PII.Email"}]' }, { name: 'columns.a.description', oldValue: 'x' }]) {
      const result = normalizeChangeEvents([withFields([field])])
      expect(result.changes).toEqual([])
      expect(result.errors.map((e) => [e.code, e.details.field])).toEqual([['INPUT_MALFORMED', field.name]])
    }
    const added = normalizeChangeEvents([{ ...withFields([]), changeDescription: { fieldsAdded: [{ name: 'owners' }] } }])
    expect(added.errors.map((e) => e.code)).toEqual(['INPUT_MALFORMED'])
    // A real removal still is one.
    const deleted = normalizeChangeEvents([{ ...withFields([]), changeDescription: { fieldsDeleted: [{ name: 'description', oldValue: 'old' }] } }])
    expect(deleted.changes).toEqual([expect.objectContaining({ kind: 'description', after: null })])
  })
})
