import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { run } from '../../src/engine/run.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import { loadConnector } from '../../src/connectors/registry.js'

/** The engine end to end on embedded PGlite, driven by an OpenMetadata ReverseIngestionPipeline. */
let dir: string
let config: RevmetaConfig

const pipeline = {
  type: 'ReverseIngestion',
  service: { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', type: 'databaseService', name: 'lite' },
  operations: [
    { id: 'op-1', entityLink: '<#E::table::lite.postgres.app.users::description>', type: 'UPDATE_DESCRIPTION', parameters: { previousDescription: 'old', newDescription: 'Application users' } },
    { id: 'op-2', entityLink: '<#E::table::lite.postgres.app."user.events"::columns::"at.ts"::description>', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'When, in UTC' } },
    { id: 'op-3', entityLink: '<#E::databaseSchema::lite.postgres.app::description>', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'The app' } },
    { id: 'op-4', entityLink: '<#E::database::lite.postgres::description>', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'Embedded' } },
    { id: 'op-5', entityLink: '<#E::table::lite.postgres.app.users::owner>', type: 'UPDATE_OWNER', parameters: { addedOwners: [{ id: 'u1', type: 'user', name: 'Owner_One' }] } },
    { id: 'op-6', entityLink: '<#E::table::lite.postgres.app.users::description>', type: 'UPDATE_DESCRIPTION', parameters: { previousDescription: 'Application users', newDescription: 'Application users (latest)' } },
    { id: 'op-7', entityLink: '<#E::table::lite.postgres.app.users::columns::email::tags>', type: 'UPDATE_TAGS', parameters: { addedTags: [{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed' }] } },
  ],
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-pglite-'))
  await writeFile(
    path.join(dir, 'init.sql'),
    `CREATE ROLE owner_one; CREATE SCHEMA app; CREATE TABLE app.users (id int, email text); COMMENT ON TABLE app.users IS 'old';
     CREATE TABLE app."user.events" ("at.ts" timestamptz);`,
  )
  config = await resolveConfig(
    {
      services: [{ name: 'lite', type: 'pglite', connection: { dataDir: 'db', initSql: 'init.sql' }, owners: { case: 'lower' } }],
      channels: [{ name: 'all', sync: { owners: true } }],
    },
    { source: 'test', baseDir: dir, env: {} },
  )
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('engine on PGlite', () => {
  it('applies a reverse-ingestion pipeline, coalescing, verifying and reporting tags as unsupported', async () => {
    const report = await run(config, { items: pipeline.operations.length, normalized: normalizePipeline(pipeline) }, { apply: true, offline: false })
    expect(report.summary).toMatchObject({ total: 6, applied: 5, verified: 5, unsupported: 1, failed: 0 })
    const users = report.operations.find((o) => o.asset === 'lite.postgres.app.users' && o.kind === 'description')!
    expect(users).toMatchObject({ desired: 'Application users (latest)', current: 'old', statements: [`COMMENT ON TABLE "app"."users" IS 'Application users (latest)'`] })
    expect(users.origins.map((o) => o.eventId)).toEqual(['op-1', 'op-6'])

    const connector = (await loadConnector('pglite'))!
    const service = config.services[0]!
    const client = await connector.createClient(service.connection, { service: 'lite', dialect: connector.createDialect(service.connection) })
    try {
      const state = await client.readBack([{ level: 'column', service: 'lite', database: 'postgres', schema: 'app', table: 'user.events', column: 'at.ts' }, { level: 'database', service: 'lite', database: 'postgres' }])
      expect(state.get('lite.postgres.app."user.events"."at.ts"')?.description).toBe('When, in UTC')
      expect(state.get('lite.postgres.app.users')).toMatchObject({ description: 'Application users (latest)', owner: 'owner_one', objectType: 'table' })
      expect(state.get('lite.postgres.app')?.description).toBe('The app')
      expect(state.get('lite.postgres')?.description).toBe('Embedded')
    } finally {
      await client.close()
    }
  })

  it('a second run finds everything in place and sends nothing', async () => {
    const report = await run(config, { items: pipeline.operations.length, normalized: normalizePipeline(pipeline) }, { apply: true, offline: false })
    expect(report.summary).toMatchObject({ unchanged: 5, applied: 0, unsupported: 1 })
  })

  it('honours a pipeline operation\'s own SQLTemplate, and fails only the operation whose template is bad', async () => {
    const own = {
      ...pipeline,
      operations: [
        { id: 'own-1', entityLink: '<#E::table::lite.postgres.app.users::description>', type: 'UPDATE_DESCRIPTION', SQLTemplate: 'COMMENT ON TABLE {schema}.{table} IS {description}', parameters: { newDescription: "Users' own" } },
        { id: 'own-2', entityLink: '<#E::databaseSchema::lite.postgres.app::description>', type: 'UPDATE_DESCRIPTION', SQLTemplate: 'COMMENT ON SCHEMA {schema IS {description}', parameters: { newDescription: 'x' } },
      ],
    }
    const report = await run(config, { items: 2, normalized: normalizePipeline(own) }, { apply: true, offline: false })
    expect(report.operations[0]).toMatchObject({ status: 'applied', statements: [`COMMENT ON TABLE app.users IS 'Users'' own'`] })
    expect(report.operations[0]!.verified).toBeUndefined()
    expect(report.operations[1]).toMatchObject({ status: 'failed', error: { code: 'TEMPLATE_INVALID' } })
    expect(report.operations[1]!.error!.message).toMatch(/SQLTemplate of own-2/)
  })

  it('plans offline without touching the database, assuming object types from levels', async () => {
    const report = await run(config, { items: 1, normalized: normalizePipeline({ ...pipeline, operations: [pipeline.operations[0]] }) }, { apply: false, offline: true })
    expect(report.operations[0]).toMatchObject({ status: 'planned', statements: [`COMMENT ON TABLE "app"."users" IS 'Application users'`] })
  })
})
