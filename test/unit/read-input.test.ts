import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { parseEventsText, readInputText } from '../../src/inputs/read-input.js'

describe('parseEventsText', () => {
  it('accepts a JSON array, a single object and the /api/v1/events answer', () => {
    expect(parseEventsText('[{"id":"a"},{"id":"b"}]', 'f')).toEqual({ items: [{ id: 'a' }, { id: 'b' }], errors: [] })
    expect(parseEventsText('\uFEFF{"id":"a","entityType":"table"}\n', 'f')).toEqual({ items: [{ id: 'a', entityType: 'table' }], errors: [] })
    expect(parseEventsText('{"data":[{"id":"a"}],"paging":{"total":1}}', 'f')).toEqual({ items: [{ id: 'a' }], errors: [] })
    expect(parseEventsText('  \n', 'f')).toEqual({ items: [], errors: [] })
  })

  it('accepts JSON lines with blank lines and CRLF', () => {
    expect(parseEventsText('{"id":"a"}\r\n\r\n{"id":"b"}\n\n', 'f')).toEqual({ items: [{ id: 'a' }, { id: 'b' }], errors: [] })
  })

  it('skips a bad line, naming its number, and keeps the others', () => {
    const { items, errors } = parseEventsText('{"id":"a"}\n{"id": truncated\n\n{"id":"c"}\n', 'events.jsonl')
    expect(items).toEqual([{ id: 'a' }, { id: 'c' }])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.code).toBe('INPUT_MALFORMED')
    expect(errors[0]?.details).toMatchObject({ source: 'events.jsonl', line: 2 })
    expect(errors[0]?.message).toContain('events.jsonl, line 2')
  })

  it('reports wholly unparseable text as INPUT_UNREADABLE', () => {
    for (const text of ['not json at all', '{"id": "a",\n "x": 1', '42']) {
      const { items, errors } = parseEventsText(text, 'bad.json')
      expect(items).toEqual([])
      expect(errors.map((e) => e.code)).toEqual(['INPUT_UNREADABLE'])
      expect(errors[0]?.message).toContain('bad.json')
    }
  })
})

describe('readInputText', () => {
  it('reads a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revmeta-read-'))
    const path = join(dir, 'events.json')
    writeFileSync(path, '[{"id":"ü"}]')
    expect(await readInputText(path)).toBe('[{"id":"ü"}]')
  })

  it("reads standard input for '-'", async () => {
    const stdin = Readable.from([Buffer.from('{"id":'), Buffer.from('"a"}\n')])
    expect(await readInputText('-', stdin)).toBe('{"id":"a"}\n')
  })

  it('throws INPUT_UNREADABLE naming the path', async () => {
    const error = await readInputText('/nonexistent/revmeta/events.json').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RevmetaError)
    expect((error as RevmetaError).code).toBe('INPUT_UNREADABLE')
    expect((error as RevmetaError).details.path).toBe('/nonexistent/revmeta/events.json')
    expect((error as RevmetaError).message).toContain('/nonexistent/revmeta/events.json')
  })
})
