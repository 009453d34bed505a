import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { parseEventsText } from '../../src/inputs/read-input.js'
import { streamEvents, type StreamEventsOptions, type StreamedEvent } from '../../src/inputs/stream-events.js'

async function collect(chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>, options?: StreamEventsOptions): Promise<StreamedEvent[]> {
  const out: StreamedEvent[] = []
  for await (const entry of streamEvents(Readable.from(chunks, { objectMode: false }), { name: 'events', ...options })) out.push(entry)
  return out
}
const items = (entries: StreamedEvent[]) => entries.filter((e) => e.error === undefined).map((e) => e.item)
const errors = (entries: StreamedEvent[]) => entries.filter((e) => e.error !== undefined).map((e) => e.error!)

const tricky = String.raw`[
  {"id": "a", "text": "brackets ] [ } { and a comma, inside", "nested": [[1, [2]], {"x": []}]},
  {"id": "b", "quote": "say \"hi\" ]", "backslash": "C:\\dir\\", "unicode": "\u005d é ☃ 😀"},
  "a string element",
  42, true, null, [],
  {"id": "c", "deep": {"a": {"b": {"c": ["]]]", "\\\""]}}}}
]`

describe('streamEvents: JSON array', () => {
  it('splits elements holding nested arrays, brackets in strings and escaped quotes', async () => {
    const entries = await collect([tricky])
    expect(errors(entries)).toEqual([])
    expect(items(entries)).toEqual(JSON.parse(tricky))
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('gives the same result for every split of the input into chunks, even inside a UTF-8 character', async () => {
    const inputs = [tricky, '\uFEFF [ {"a":"é]"} , {"b":[1,2]} ]  \n', '{"id":"a"}\r\n\r\n{"id": bad}\n["x","y"]\n{"id":"ü"}', '{\n  "data": [{"id": "a"}],\n  "paging": {}\n}\n']
    for (const input of inputs) {
      const bytes = Buffer.from(input)
      const whole = await collect([bytes])
      for (let at = 0; at <= bytes.length; at++) {
        const split = await collect([bytes.subarray(0, at), bytes.subarray(at)])
        expect(split.map((e) => e.item), `${JSON.stringify(input)} split at byte ${at}`).toEqual(whole.map((e) => e.item))
        expect(split.map((e) => e.error?.message)).toEqual(whole.map((e) => e.error?.message))
      }
      // One byte at a time: every boundary at once.
      expect((await collect([...bytes].map((b) => Buffer.from([b])))).map((e) => e.item)).toEqual(whole.map((e) => e.item))
    }
  })

  it('reports a bad element, naming its position and line, and reads on', async () => {
    const entries = await collect(['[{"id":"a"},\n {"id": tru},\n{"id":"c"}]'])
    expect(items(entries)).toEqual([{ id: 'a' }, { id: 'c' }])
    expect(entries[1]?.index).toBe(1)
    const [error] = errors(entries)
    expect(error).toBeInstanceOf(RevmetaError)
    expect(error?.code).toBe('INPUT_MALFORMED')
    expect(error?.details).toMatchObject({ source: 'events', element: 1, line: 2 })
    expect(error?.message).toContain('events, array element 1 (line 2)')
    expect(entries[2]).toMatchObject({ index: 2, item: { id: 'c' } })
  })

  it('reports empty elements, a trailing comma, a truncated array and text after it', async () => {
    expect(await collect(['[]'])).toEqual([])
    expect(await collect([' [ ] '])).toEqual([])
    const doubled = await collect(['[1,,2]'])
    expect(items(doubled)).toEqual([1, 2])
    expect(errors(doubled)[0]?.message).toContain('empty')
    expect(errors(await collect(['[1,]']))[0]?.message).toContain("right before the closing ']'")
    const cut = await collect(['[{"id":"a"},{"id":"b"},{"id":'])
    expect(items(cut)).toEqual([{ id: 'a' }, { id: 'b' }])
    expect(errors(cut).map((e) => e.message)).toEqual([expect.stringContaining('ends inside this element'), expect.stringContaining('probably truncated')])
    // A whole object before the cut is still a whole event.
    expect(items(await collect(['[{"id":"a"},{"id":"b"}']))).toEqual([{ id: 'a' }, { id: 'b' }])
    const junk = await collect(['[1] trailing'])
    expect(items(junk)).toEqual([1])
    expect(errors(junk)[0]?.message).toContain('after the array')
  })

  it('skips an element past maxEventChars without holding it, and reads on', async () => {
    const big = `{"id":"big","text":"${'x'.repeat(3000)} ] } , [ \\" still in the string"}`
    const entries = await collect(['[{"id":"a"},', big.slice(0, 1000), big.slice(1000), ',{"id":"c"}]'], { limits: { maxEventChars: 1000 } })
    expect(items(entries)).toEqual([{ id: 'a' }, { id: 'c' }])
    expect(errors(entries).map((e) => [e.code, e.details.element])).toEqual([['INPUT_TOO_LARGE', 1]])
    // An element that never ends (an unclosed string) is scanned to the end of the input, never held.
    const unclosed = ['[{"id":"a"},{"id":"b', ...Array.from({ length: 50 }, () => 'x'.repeat(200)), ']']
    const cut = await collect(unclosed, { limits: { maxEventChars: 1000 } })
    expect(items(cut)).toEqual([{ id: 'a' }])
    expect(errors(cut)[0]).toMatchObject({ code: 'INPUT_TOO_LARGE', details: { element: 1 } })
  })
})

describe('streamEvents: JSON lines and single documents', () => {
  it('reads JSON lines with blank lines, CRLF and bad lines, naming the line', async () => {
    const entries = await collect(['{"id":"a"}\r\n\r\n   \n{"id": truncated\n["b1","b2"]\n{"data":[{"id":"p1"}],"paging":{}}\n{"id":"c"}'])
    expect(items(entries)).toEqual([{ id: 'a' }, 'b1', 'b2', { id: 'p1' }, { id: 'c' }])
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5])
    const [error] = errors(entries)
    expect(error?.code).toBe('INPUT_MALFORMED')
    expect(error?.details).toMatchObject({ source: 'events', line: 4 })
    expect(error?.message).toContain('events, line 4')
  })

  it('reads a pretty-printed object or /api/v1/events answer whole, as parseEventsText does', async () => {
    const page = JSON.stringify({ data: [{ id: 'a' }, { id: 'b' }], paging: { total: 2 } }, null, 2)
    expect(items(await collect([page]))).toEqual([{ id: 'a' }, { id: 'b' }])
    const one = `\n\n${JSON.stringify({ id: 'a', entityType: 'table', data: [1] }, null, 2)}\n`
    expect(items(await collect([one]))).toEqual(parseEventsText(one, 'f').items)
    // A first line cut off in JSON lines is not a document: the other lines still count.
    const cut = await collect(['{"id": "a", "x": [1,\n{"id":"b"}\n{"id":"c"}\n'])
    expect(items(cut)).toEqual([{ id: 'b' }, { id: 'c' }])
    expect(errors(cut)[0]?.details).toMatchObject({ line: 1 })
  })

  it('says the input is unreadable when it is neither an array nor objects', async () => {
    for (const text of ['not json', '42', '"x"']) {
      const entries = await collect([text])
      expect(entries).toHaveLength(1)
      expect(entries[0]?.error?.code).toBe('INPUT_UNREADABLE')
    }
    expect(await collect(['', '  \n'])).toEqual([])
  })

  it('reads a file by path and throws INPUT_UNREADABLE for a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revmeta-stream-'))
    const path = join(dir, 'events.jsonl')
    writeFileSync(path, '{"id":"a"}\n{"id":"b"}\n')
    const read: unknown[] = []
    for await (const entry of streamEvents(path)) read.push(entry.item)
    expect(read).toEqual([{ id: 'a' }, { id: 'b' }])
    const missing = join(dir, 'missing.json')
    const failure = await (async () => {
      for await (const _ of streamEvents(missing)) void _
    })().catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RevmetaError)
    expect((failure as RevmetaError).code).toBe('INPUT_UNREADABLE')
    expect((failure as RevmetaError).message).toContain(missing)
  })

  it('closes the source when the consumer stops early', async () => {
    for (const [opening, line] of [['', '{"id":1}\n'], ['[', '{"id":1},']]) {
      const source = Readable.from((function* () {
        yield Buffer.from(opening!)
        for (;;) yield Buffer.from(line!)
      })(), { objectMode: false })
      let last: StreamedEvent | undefined
      for await (const entry of streamEvents(source)) {
        last = entry
        if (entry.index === 10) break
      }
      expect(last).toEqual({ index: 10, item: { id: 1 } })
      // readline may hold a read in flight, so closing can finish a moment later: it must finish.
      // Node destroys a stream left mid-iteration with an AbortError: expected here, so only 'close' counts.
      if (!source.destroyed) await new Promise((resolve) => source.once('close', resolve))
      expect(source.destroyed).toBe(true)
    }
  })
})

describe('streamEvents: bounded memory', () => {
  const count = 200_000
  const padding = 'x'.repeat(700)
  const event = (i: number) => ({ id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, eventType: 'entityUpdated', entityType: 'table', entityFullyQualifiedName: `svc.db.sales.t${i}`, timestamp: 1_700_000_000_000 + i, changeDescription: { fieldsUpdated: [{ name: 'description', oldValue: 'old', newValue: `${padding} [${i}] "q"` }] } })
  // A plain pull-based Readable: Readable.from(asyncGenerator) itself retains ~120 bytes per chunk
  // until it ends (Node 20), which would blur what the reader retains.
  function generated(array: boolean): Readable {
    let next = 0
    return new Readable({
      read() {
        if (next > count) return void this.push(null)
        const batch: string[] = next === 0 && array ? ['[\n'] : []
        for (const end = Math.min(next + 500, count); next < end; next++) batch.push(JSON.stringify(event(next)) + (array && next < count - 1 ? ',\n' : '\n'))
        if (next === count) {
          if (array) batch.push(']\n')
          next++
        }
        this.push(Buffer.from(batch.join('')))
      },
    })
  }

  // heapUsed alone counts garbage not yet collected, which says nothing about what is retained and
  // varies run to run; collecting before each sample measures what the reader actually holds.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const retained = () => {
    gc()
    return process.memoryUsage().heapUsed
  }

  // About 170 MB of input each: holding it, or its parsed events, would far exceed the bound.
  for (const array of [false, true]) {
    it(`reads ${count} events as ${array ? 'a JSON array' : 'JSON lines'} with bounded heap growth`, async () => {
      const before = retained()
      let peak = before
      let seen = 0
      let lastId = ''
      for await (const entry of streamEvents(generated(array))) {
        expect(entry.error).toBeUndefined()
        expect(entry.index).toBe(seen)
        lastId = (entry.item as { id: string }).id
        if (++seen % 20_000 === 0) peak = Math.max(peak, retained())
      }
      expect(seen).toBe(count)
      expect(lastId).toBe(event(count - 1).id)
      expect((peak - before) / 1024 / 1024).toBeLessThan(150)
    }, 120_000)
  }
})
