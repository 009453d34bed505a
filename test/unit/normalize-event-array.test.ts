import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { normalizeEventArray } from '../../src/inputs/normalize-event-array.js'
import { parseEventsText } from '../../src/inputs/read-input.js'

/** What reading the text whole and then normalizing it gives, in the shape of the fused reader. */
function whole(text: string, limits = {}) {
  const { items, errors } = parseEventsText(text, 'f.json', limits)
  return { items: items.length + errors.length, normalized: normalizeChangeEvents(items), readErrors: errors }
}

const event = (i: number, field: string, value: unknown) => ({
  id: `e${i}`,
  eventType: 'entityUpdated',
  entityType: 'table',
  entityFullyQualifiedName: `svc.db.sch.t${i % 3}`,
  userName: 'admin',
  timestamp: 1_700_000_000_000 + i,
  currentVersion: 0.2,
  changeDescription: { fieldsAdded: [], fieldsUpdated: [{ name: field, oldValue: '', newValue: value }], fieldsDeleted: [] },
})

const deep = (levels: number): Record<string, unknown> => (levels <= 1 ? {} : { a: deep(levels - 1) })

describe('normalizeEventArray', () => {
  it('gives what reading whole and normalizing gives: changes, indexes, ignored counts, errors', () => {
    const events = [
      event(0, 'description', 'it\'s "new" ] , [ {'),
      event(1, 'columns.c1.description', 'col'),
      { entityType: 'dashboard', eventType: 'entityUpdated' },
      'not an event',
      event(2, 'description', 42),
      { eventType: 'entityUpdated', entityType: 'table', entityFullyQualifiedName: 'svc.db.sch.t', ...deep(8) },
      event(3, 'displayName', 'x'),
    ]
    const text = `\uFEFF \n[${events.map((e) => JSON.stringify(e, null, 1)).join(' ,\n')}]\n`
    const limits = { maxDepth: 5 }
    const fused = normalizeEventArray(text.replace(/^\uFEFF/, ''), 'f.json', limits)
    expect(fused).toBeDefined()
    expect(fused!.readErrors.map((e) => e.code)).toEqual(['INPUT_TOO_DEEP'])
    expect(fused!.normalized.errors.length).toBeGreaterThan(1)
    expect(fused!.normalized.changes.length).toBeGreaterThan(1)
    expect(fused).toEqual(whole(text, limits))
  })

  it('matches the whole reading on any array of events', () => {
    const value = fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.array(fc.string(), { maxLength: 2 }))
    const field = fc.constantFrom('description', 'columns.c1.description', 'columns."a.b".description', 'tags', 'owners', 'name')
    fc.assert(
      fc.property(fc.array(fc.tuple(field, value), { maxLength: 12 }), fc.constantFrom('', ' ', '\n', '\r\n  '), (changes, space) => {
        const text = `${space}[${space}${changes.map(([f, v], i) => JSON.stringify(event(i, f, v))).join(`${space},${space}`)}${space}]${space}`
        const fused = normalizeEventArray(text, 'f.json')
        expect(fused).toEqual(whole(text))
      }),
    )
  })

  it('leaves anything but a clean array to the whole reading', () => {
    const one = JSON.stringify(event(0, 'description', 'x'))
    for (const text of [
      `${one}\n${one}`, // JSON lines
      one, // one document
      `{"data":[${one}]}`,
      `[${one},]`,
      `[,${one}]`,
      `[${one} ${one}]`,
      `[${one}] trailing`,
      `[${one}`,
      `[${one}, {"id": truncated}]`,
      `[${one}}]`,
    ]) {
      expect(normalizeEventArray(text, 'f.json'), text.slice(0, 40)).toBeUndefined()
    }
    expect(normalizeEventArray(`[${one}]`, 'f.json', { maxEventChars: 10 })).toBeUndefined()
  })

  it('matches the whole reading on the repository event fixtures that are arrays', () => {
    const dir = join(import.meta.dirname, '../fixtures/events')
    let arrays = 0
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const text = readFileSync(join(dir, name), 'utf8')
      const fused = normalizeEventArray(text, 'f.json')
      if (fused === undefined) continue
      arrays++
      expect(fused, name).toEqual(whole(text))
    }
    expect(arrays).toBeGreaterThan(0)
  })
})
