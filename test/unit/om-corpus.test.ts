import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { planInput } from '../../src/engine/plan-input.js'
import { prefetchOwners } from '../../src/engine/prefetch-owners.js'
import { run } from '../../src/engine/run.js'
import { eventsOfBody } from '../../src/inputs/event-batch.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import type { NormalizeResult } from '../../src/inputs/normalize-result.js'
import { parseEventsText } from '../../src/inputs/read-input.js'
import type { OwnerRef } from '../../src/model/change.js'
import { operationFqn, type Operation } from '../../src/model/operation.js'
import type { OwnerDirectory } from '../../src/owners/owner-directory.js'

/**
 * The OpenMetadata corpus: payloads in OpenMetadata's own shapes (several versions where they
 * differ), each `<case>.json`/`.jsonl` paired with `<case>.expect.json`, which says how it is read
 * (`input`: events file, webhook body, pipeline), the channels and the catalog's users and teams
 * it meets, and the operations it must produce, the changes that must fail, the input errors and
 * the counts of what is ignored. Every case is run in full: nothing in an expect file is optional
 * once written, and a payload without an expect file fails.
 */
const dir = path.resolve(import.meta.dirname, '../fixtures/openmetadata/corpus')

interface Expect {
  readonly about: string
  readonly input: 'events' | 'webhook' | 'pipeline'
  readonly channels?: unknown[]
  readonly catalog?: { readonly users?: Record<string, string>; readonly teams?: Record<string, string> }
  readonly operations: readonly Record<string, unknown>[]
  readonly failed?: readonly { asset: string; kind: string; code: string }[]
  readonly errors?: readonly { code: string; index?: number }[]
  readonly ignored?: Record<string, number>
  /** Statements rendered offline for PostgreSQL, by `asset|kind`. */
  readonly statements?: Record<string, string[]>
}

const files = readdirSync(dir)
const payloads = files.filter((f) => !f.endsWith('.expect.json'))
const expects = files.filter((f) => f.endsWith('.expect.json'))

function read(file: string, input: Expect['input']): NormalizeResult {
  const text = readFileSync(path.join(dir, file), 'utf8')
  if (input === 'pipeline') return normalizePipeline(JSON.parse(text))
  if (input === 'webhook') return normalizeChangeEvents(eventsOfBody(JSON.parse(text)))
  const parsed = parseEventsText(text, file)
  expect(parsed.errors, 'the corpus file itself reads cleanly').toEqual([])
  return normalizeChangeEvents(parsed.items)
}

/** The catalog the case describes: ids to names; any other id is unknown (404). */
function directory(catalog: Expect['catalog']): OwnerDirectory | undefined {
  if (!catalog) return undefined
  return {
    async findOwner(type, id) {
      const name = (type === 'user' ? catalog.users : catalog.teams)?.[id]
      return name === undefined ? undefined : ({ type, name, id } satisfies OwnerRef)
    },
  }
}

/** An operation as an expect file writes it: tags by FQN, owners as `type:name`. */
function shape(op: Operation): Record<string, unknown> {
  const base = { channel: op.channel, asset: operationFqn(op), kind: op.kind }
  if (op.kind === 'description') return { ...base, description: op.description }
  if (op.kind === 'tags') return { ...base, add: op.add.map((t) => t.tagFQN), remove: op.remove.map((t) => t.tagFQN) }
  return { ...base, add: op.add.map((o) => `${o.type}:${o.name}`), remove: op.remove.map((o) => `${o.type}:${o.name}`) }
}

describe('OpenMetadata corpus', () => {
  it('pairs every payload with an expect file and every expect file with a payload', () => {
    const stems = (list: string[], strip: RegExp) => list.map((f) => f.replace(strip, '')).sort()
    expect(stems(payloads, /\.jsonl?$/)).toEqual(stems(expects, /\.expect\.json$/))
    expect(payloads.length).toBeGreaterThanOrEqual(12)
  })

  for (const payload of payloads) {
    const stem = payload.replace(/\.jsonl?$/, '')
    const expected = JSON.parse(readFileSync(path.join(dir, `${stem}.expect.json`), 'utf8')) as Expect
    it(`${stem}: ${expected.about}`, async () => {
      const channels = expected.channels ?? [{ name: 'all', sync: { descriptions: true, tags: true, owners: true } }]
      const config = await resolveConfig({ services: [{ name: 'warehouse', type: 'postgres', connection: {} }], channels }, { source: `${stem}.expect.json`, baseDir: dir, env: {} })
      const normalized = read(payload, expected.input)
      const input = { items: normalized.items ?? 0, normalized, owners: await prefetchOwners(config, normalized.changes, directory(expected.catalog)) }
      const planned = planInput(config, input)
      expect(planned.operations.map(shape)).toEqual(expected.operations)
      expect(planned.rejected.map((r) => ({ asset: r.asset, kind: r.kind, code: r.error?.code }))).toEqual(expected.failed ?? [])
      expect(normalized.errors.map((e) => ({ code: e.code, ...(typeof e.details.index === 'number' ? { index: e.details.index } : {}) }))).toEqual(expected.errors ?? [])
      expect(planned.ignored).toEqual(expected.ignored ?? {})
      if (expected.statements) {
        const report = await run(config, input, { apply: false, offline: true })
        const rendered = Object.fromEntries(report.operations.filter((o) => o.statements.length > 0).map((o) => [`${o.asset}|${o.kind}`, o.statements]))
        expect(rendered).toEqual(expected.statements)
      }
    })
  }
})
