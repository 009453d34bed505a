import { describe, expect, it } from 'vitest'
import { asPlainChangeEvent } from '../../src/inputs/change-event-fast-path.js'
import { changeEventSchema } from '../../src/inputs/change-event-schema.js'
import { changeEvent } from '../support/om-events.js'

/** The fast path may decline anything, but what it accepts the schema must accept, unchanged. */
function agrees(raw: Record<string, unknown>): 'fast' | 'schema' | 'rejected' {
  const fast = asPlainChangeEvent(raw)
  const parsed = changeEventSchema.safeParse(raw)
  if (fast === undefined) return parsed.success ? 'schema' : 'rejected'
  expect(parsed.success, `fast path accepted what the schema rejects: ${JSON.stringify(raw)}`).toBe(true)
  expect(fast).toEqual(parsed.data)
  return 'fast'
}

const values: unknown[] = [undefined, null, '', 'x', '123', 0, 1.5, -1, true, [], {}, [{ name: 'description' }], { fieldsAdded: [] }]
const base = () =>
  changeEvent('table', 'svc.db.sch.tbl', {
    added: [{ name: 'tags', newValue: '[]' }],
    updated: [{ name: 'description', oldValue: 'a', newValue: 'b' }],
    deleted: [{ name: 'columns.c.description', oldValue: 'x' }],
  })

describe('the ChangeEvent fast path', () => {
  it('takes the common event as it is, without copying it', () => {
    const raw = base()
    expect(agrees(raw)).toBe('fast')
    expect(asPlainChangeEvent(raw)).toBe(raw)
  })

  it('agrees with the schema on every top-level field, whatever its value', () => {
    const fields = ['id', 'eventType', 'entityType', 'entityId', 'entityFullyQualifiedName', 'userName', 'timestamp', 'previousVersion', 'currentVersion', 'changeDescription', 'incrementalChangeDescription', 'entity', 'unknownKey']
    const outcomes = new Set<string>()
    for (const field of fields) for (const value of values) outcomes.add(agrees({ ...base(), [field]: value }))
    // Every path is exercised: some values go fast, some need the schema, some are rejected.
    expect([...outcomes].sort()).toEqual(['fast', 'rejected', 'schema'])
  })

  it('leaves a timestamp sent as a string to the schema, which converts it', () => {
    expect(agrees({ ...base(), timestamp: '1700000000000' })).toBe('schema')
  })

  it('agrees with the schema inside change descriptions and field changes', () => {
    for (const list of ['fieldsAdded', 'fieldsUpdated', 'fieldsDeleted', 'previousVersion', 'other']) {
      for (const value of values) {
        const raw = base()
        raw.changeDescription = { ...(raw.changeDescription as object), [list]: value }
        agrees(raw)
        for (const field of ['name', 'oldValue', 'newValue']) {
          const nested = base()
          nested.incrementalChangeDescription = { fieldsUpdated: [{ name: 'description', [field]: value }] }
          agrees(nested)
        }
      }
    }
    expect(agrees({ ...base(), changeDescription: { fieldsUpdated: [{ name: '' }] } })).toBe('rejected')
    expect(agrees({ ...base(), changeDescription: { fieldsUpdated: ['description'] } })).toBe('rejected')
  })
})
