import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { capabilitiesOf } from '../../src/connectors/connector.js'
import { connectorNames, loadConnector } from '../../src/connectors/registry.js'
import { run } from '../../src/engine/run.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import { levels, type Level } from '../../src/model/asset.js'
import type { OperationReport, RunReport } from '../../src/model/report.js'
import { kinds, type ConformanceFixture, type ConformanceTarget, type Kind } from './fixture.js'
import { fixtures } from './fixtures/index.js'
import { pipelineOf, probes, type Probe } from './operations.js'

/**
 * One suite over every connector at its tier (as Kysely runs one suite over its dialects): every
 * cell of the support matrix written through the engine and read back from the engine itself, or
 * reported `unsupported` with nothing sent; hostile strings read back exactly or refused with a
 * code; odd identifiers at every level; a second run finds everything `unchanged`.
 */
// Golden-tier engines run here without a server: their fixture's stand-in client replaces the driver's.
vi.mock('../../src/connectors/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/connectors/registry.js')>()
  const { fixtures: all } = await import('./fixtures/index.js')
  return {
    ...original,
    loadConnector: async (name: string) => {
      const connector = await original.loadConnector(name)
      const standIn = all.find((f) => f.engine === name)?.standInClient
      return connector !== undefined && standIn !== undefined ? { ...connector, createClient: standIn } : connector
    },
  }
})

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

/** The README support-matrix row of an engine, its cells by kind; "as PostgreSQL" follows that row. */
function readmeCells(row: string): Record<Kind, string> {
  const line = readme.split('\n').find((l) => l.startsWith(`| ${row} |`))
  if (line === undefined) throw new Error(`README.md has no support-matrix row starting with "| ${row} |"`)
  const [, description, tags, owners] = line.split(' | ')
  const follow = (cell: string, kind: Kind): string => (cell.startsWith('as PostgreSQL') ? readmeCells('PostgreSQL (`postgres`)')[kind] : cell)
  return { description: follow(description!, 'description'), tags: follow(tags!, 'tags'), owners: follow(owners!, 'owners') }
}

const capabilityKey: Record<Kind, 'descriptionLevels' | 'tagLevels' | 'ownerLevels'> = { description: 'descriptionLevels', tags: 'tagLevels', owners: 'ownerLevels' }

it('every registered connector has a conformance fixture', () => {
  expect([...fixtures.map((f) => f.engine)].sort()).toEqual([...connectorNames].sort())
})

describe.each(fixtures.map((f) => [`${f.engine} (${f.tier})`, f] as const))('%s', (_, fixture: ConformanceFixture) => {
  let target: ConformanceTarget
  let list: Probe[]
  let first: RunReport
  let second: RunReport
  let supported: Record<Kind, readonly Level[]>

  beforeAll(async () => {
    const connector = (await loadConnector(fixture.engine))!
    target = await fixture.open(Object.keys((await import('./hostile-cases.js')).hostileCases))
    const config = await resolveConfig(
      // Owner changes that drop permissions (SQL Server) are accepted here: the suite writes every cell.
      { services: [target.service], channels: [{ name: 'all', sync: { descriptions: true, tags: true, owners: true }, options: { owners: { allowPermissionDrop: true } } }] },
      { source: 'conformance', baseDir: target.baseDir, env: {} },
    )
    // As the engine does: a dialect that follows the session (MariaDB's version) is made from its facts.
    const { connection } = config.services[0]!
    const client = await connector.createClient(connection, { service: config.services[0]!.name, dialect: connector.createDialect(connection) })
    const facts = client.sessionFacts ? await client.sessionFacts() : undefined
    await client.close()
    const caps = capabilitiesOf(connector.createDialect(connection, facts))
    supported = { description: caps.descriptionLevels, tags: caps.tagLevels, owners: caps.ownerLevels }
    list = probes(target.owner, fixture.hasView)
    const pipeline = pipelineOf(String(target.service.name), target.database, list, target.schema, target.names)
    const input = () => ({ items: pipeline.operations.length, normalized: normalizePipeline(pipeline) })
    first = await run(config, input(), { apply: true, offline: false })
    second = await run(config, input(), { apply: true, offline: false })
  }, 120_000)

  afterAll(async () => {
    await target?.close()
  })

  const reportOf = (report: RunReport, id: string): OperationReport => {
    const op = report.operations.find((o) => o.origins.some((origin) => origin.eventId === id))
    if (op === undefined) throw new Error(`no operation for ${id}`)
    return op
  }
  const expectedLevels = (kind: Kind) => [...fixture.readme[kind]].sort()

  it('README, the dialect\'s capabilities and the fixture claim the same matrix', () => {
    const cells = readmeCells(fixture.readmeRow)
    for (const kind of kinds) {
      expect([...supported[kind]].sort(), `${kind}: capabilitiesOf(dialect) vs the fixture`).toEqual(expectedLevels(kind))
      if (fixture.readme[kind].length === 0) expect(cells[kind], `${kind}: README`).toMatch(/unsupported/)
      else for (const level of fixture.readme[kind]) expect(cells[kind], `${kind} at ${level}: README`).toMatch(new RegExp(`\\b${level}\\b`))
    }
  })

  it('the connector declares the tier its fixture runs at, and README\'s row names it', async () => {
    expect((await loadConnector(fixture.engine))!.tier).toBe(fixture.tier)
    const line = readme.split('\n').find((l) => l.startsWith(`| ${fixture.readmeRow} |`))!
    expect(line.split(' | ').at(-1)).toContain(`**${fixture.tier}**`)
  })

  it('writes every supported cell through the engine and reads it back exactly; reports every other cell unsupported, sending nothing', async () => {
    for (const probe of list.filter((p) => !p.id.startsWith('hostile-'))) {
      const op = reportOf(first, probe.id)
      if (!supported[probe.kind].includes(probe.place.level)) {
        expect(op, probe.id).toMatchObject({ status: 'unsupported', statements: [], error: { code: 'UNSUPPORTED' } })
        continue
      }
      const gap = fixture.standInGaps?.[probe.id]
      if (gap !== undefined) expect(op, `${probe.id} (${gap.why})`).toMatchObject({ status: 'failed', error: { code: gap.code } })
      else expect(op, `${probe.id}: ${op.error?.message ?? ''}`).toMatchObject({ status: 'applied' })
      expect(op.statements.length, probe.id).toBeGreaterThan(0)
      if (probe.kind === 'description') expect(await target.description(probe.place), probe.id).toBe(probe.value)
      else if (probe.kind === 'owners') expect(await target.ownerOf(probe.place), probe.id).toBe(probe.value)
      else expect(await target.tagsOf!(probe.place), probe.id).toContain(fixture.storedTag?.(probe.value) ?? probe.value)
    }
  })

  it('reads hostile strings back exactly, or refuses them with the code the fixture states and leaves the column alone', async () => {
    for (const probe of list.filter((p) => p.id.startsWith('hostile-'))) {
      const op = reportOf(first, probe.id)
      const refused = fixture.refuses[probe.place.hostileColumn!]
      if (refused !== undefined) {
        expect(op, probe.id).toMatchObject({ status: 'failed', error: { code: refused } })
        expect(await target.description(probe.place), probe.id).toBe(target.noDescription)
      } else {
        expect(op, `${probe.id}: ${op.error?.message ?? ''}`).toMatchObject({ status: 'applied' })
        expect(await target.description(probe.place), probe.id).toBe(probe.value)
      }
    }
  })

  it('a second run of the same values finds everything in place: unchanged, nothing sent', () => {
    for (const probe of list) {
      const before = reportOf(first, probe.id).status
      const op = reportOf(second, probe.id)
      const expected = before === 'applied' ? 'unchanged' : before
      expect(op.status, probe.id).toBe(expected)
      if (expected === 'unchanged' || expected === 'unsupported') expect(op.statements, probe.id).toEqual([])
    }
  })
})
