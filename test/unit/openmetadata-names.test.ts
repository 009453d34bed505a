import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import type { Dialect, ObjectState, ObjectTarget, TagChange } from '../../src/connectors/connector.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import { buildFqn, parseFqn } from '../../src/model/fqn.js'
import { operationFqn } from '../../src/model/operation.js'
import { displayOf, sqlStatement } from '../../src/model/statement.js'
import { planOperations } from '../../src/planning/planner.js'

/**
 * The OpenMetadata payloads of test/fixtures/openmetadata/names/ (issue 15, items 1, 2, 3 and 7),
 * each with the operations it must produce per engine. `readBack` lists each table's columns as
 * the engine would read them back: a string is a top-level column, an array a path (one element:
 * a top-level name holding dots; several: a field inside a struct column).
 */
interface Expected {
  asset: string
  kind: string
  outcome: string
  code?: string
  warning?: string
  statements?: string[]
}
interface Fixture {
  about: string
  source: string
  engine?: string
  engines?: string[]
  offline?: boolean
  readBack?: Record<string, (string | string[])[]>
  events?: unknown[]
  pipeline?: unknown
  errors?: { code: string; field: string }[]
  expect: Expected[] | Record<string, Expected[]>
  ignored: Record<string, number>
}

/** A test engine's dialect: PostgreSQL's COMMENT ON plus native tags, with or without nested fields. */
function testDialect(nestedFields: boolean): Dialect {
  const pg = new PostgresDialect()
  const name = (t: ObjectTarget) => [t.asset.schema!, t.asset.table!, t.asset.column!, ...(t.asset.path ?? [])].map((p) => pg.quoteIdentifier(p)).join('.')
  return {
    name: nestedFields ? 'nested' : 'tags',
    quoteIdentifier: (n) => pg.quoteIdentifier(n),
    quoteLiteral: (v) => pg.quoteLiteral(v),
    sessionSetup: () => [],
    description: {
      nestedFields,
      render: (t: ObjectTarget, v: string | null) =>
        t.asset.path === undefined ? pg.description.render(t, v) : [sqlStatement(t.asset.database, `COMMENT ON FIELD ${name(t)} IS ${v === null ? 'NULL' : pg.quoteLiteral(v)}`)],
    },
    tags: {
      nestedFields,
      render: (t: ObjectTarget, { add, remove }: TagChange) => [sqlStatement(t.asset.database, `TAG ${name(t)} ${[...add.map((a) => `+${a.key}=${a.value}`), ...remove.map((r) => `-${r.key}`)].join(' ')}`)],
    },
  }
}

const dialects: Record<string, Dialect> = { pg: new PostgresDialect(), tags: testDialect(false), nested: testDialect(true) }
const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'c', sync: { descriptions: true, tags: true, owners: true } }), services: ['svc'], compiled: {} }
const owners = ownerMappingSchema.parse({})

function snapshotOf(readBack: NonNullable<Fixture['readBack']>): Map<string, ObjectState> {
  const snapshot = new Map<string, ObjectState>()
  for (const [table, columns] of Object.entries(readBack)) {
    const parts = parseFqn(table)
    snapshot.set(buildFqn(parts.slice(0, 3)), { objectType: 'schema', description: null })
    snapshot.set(table, { objectType: 'table', description: null, owner: 'postgres' })
    for (const column of columns) {
      const path = typeof column === 'string' ? [column] : column
      // Struct fields as an engine with nested fields reads them back: objectType `field`.
      snapshot.set(buildFqn([...parts, ...path]), { objectType: path.length > 1 ? 'field' : 'column', description: null, tags: [] })
    }
  }
  return snapshot
}

const folder = new URL('../fixtures/openmetadata/names/', import.meta.url)
const files = readdirSync(folder).filter((f) => f.endsWith('.json'))

it('the corpus holds a payload for each item of the task', () => {
  expect(files.length).toBeGreaterThanOrEqual(8)
})

describe.each(files)('%s', (file) => {
  const fixture = JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as Fixture
  const engines = fixture.engines ?? [fixture.engine ?? 'pg']
  const normalized = fixture.pipeline !== undefined ? normalizePipeline(fixture.pipeline) : normalizeChangeEvents(fixture.events ?? [])

  it('normalizes as OpenMetadata means it: nothing ignored that names a real column, only the stated errors', () => {
    expect(normalized.ignored).toEqual(fixture.ignored)
    expect(normalized.errors.map((e) => ({ code: e.code, field: e.details.field }))).toEqual(fixture.errors ?? [])
  })

  it.each(engines)('plans the stated operations on %s', (engine) => {
    const ops = planOperations(normalized.changes.map((change) => ({ channel: 'c', change })))
    const snapshot = fixture.offline ? undefined : snapshotOf(fixture.readBack ?? {})
    const got = ops.map((op) => {
      const p = prepareOperation(op, dialects[engine]!, owners, channel, snapshot)
      return { asset: operationFqn(p.op), kind: p.op.kind, outcome: p.outcome, code: p.error?.code, warnings: p.warnings, statements: p.statements.map(displayOf) }
    })
    const expected = Array.isArray(fixture.expect) ? fixture.expect : fixture.expect[engine]!
    expect(got.map(({ asset, kind }) => ({ asset, kind }))).toEqual(expected.map(({ asset, kind }) => ({ asset, kind })))
    expected.forEach((e, i) => {
      const g = got[i]!
      expect(g.outcome, `${e.asset} ${e.kind}: ${g.code ?? ''}`).toBe(e.outcome)
      if (e.code !== undefined) expect(g.code).toBe(e.code)
      if (e.statements !== undefined) expect(g.statements).toEqual(e.statements)
      if (e.warning !== undefined) expect(g.warnings).toContain(e.warning)
    })
  })
})
