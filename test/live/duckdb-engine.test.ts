import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { run } from '../../src/engine/run.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import { queryDuckdb } from '../support/duckdb-direct.js'

/** The engine end to end on a DuckDB file, driven by an OpenMetadata ReverseIngestionPipeline. */
let dir: string
let file: string
let config: RevmetaConfig

const link = (entity: string, fqn: string, field: string) => `<#E::${entity}::${fqn}::${field}>`

const pipeline = {
  type: 'ReverseIngestion',
  service: { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', type: 'databaseService', name: 'lake' },
  operations: [
    { id: 'op-1', entityLink: link('table', 'lake.shop.main.Users', 'description'), type: 'UPDATE_DESCRIPTION', parameters: { newDescription: "Users' table" } },
    { id: 'op-2', entityLink: link('table', 'lake.shop.main."user.events"', 'columns::"at.ts"::description'), type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'When\nin UTC \\ exactly' } },
    { id: 'op-3', entityLink: link('table', 'lake.shop.main.active_users', 'description'), type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'A view' } },
    { id: 'op-4', entityLink: link('databaseSchema', 'lake.shop.main', 'description'), type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'Main' } },
    { id: 'op-5', entityLink: link('database', 'lake.shop', 'description'), type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'Shop' } },
    { id: 'op-6', entityLink: link('table', 'lake.shop.main.Users', 'owner'), type: 'UPDATE_OWNER', parameters: { addedOwners: [{ id: 'u1', type: 'user', name: 'alice' }] } },
    { id: 'op-7', entityLink: link('table', 'lake.shop.main.Users', 'columns::email::tags'), type: 'UPDATE_TAGS', parameters: { addedTags: [{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed' }] } },
    { id: 'op-8', entityLink: link('table', 'lake.shop.main.missing', 'description'), type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'x' } },
  ],
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-duckdb-engine-'))
  file = path.join(dir, 'shop.duckdb')
  await writeFile(
    path.join(dir, 'init.sql'),
    `CREATE TABLE "Users" (id INTEGER, email VARCHAR); COMMENT ON TABLE "Users" IS 'old';
     CREATE TABLE "user.events" ("at.ts" TIMESTAMP);
     CREATE VIEW active_users AS SELECT * FROM "Users";`,
  )
  config = await resolveConfig(
    {
      services: [{ name: 'lake', type: 'duckdb', connection: { path: file, initSql: 'init.sql' } }],
      channels: [{ name: 'all', sync: { owners: true } }],
    },
    { source: 'test', baseDir: dir, env: {} },
  )
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('engine on DuckDB', () => {
  it('applies and verifies tables, views and columns, and reports schema, database, owner and tag operations as unsupported', async () => {
    const report = await run(config, { items: pipeline.operations.length, normalized: normalizePipeline(pipeline) }, { apply: true, offline: false })
    const byId = (id: string) => report.operations.find((o) => o.origins.some((origin) => origin.eventId === id))!
    expect(byId('op-1')).toMatchObject({ status: 'applied', verified: true, current: 'old', statements: [`COMMENT ON TABLE "shop"."main"."Users" IS 'Users'' table'`] })
    expect(byId('op-2')).toMatchObject({ status: 'applied', verified: true, statements: [`COMMENT ON COLUMN "shop"."main"."user.events"."at.ts" IS 'When\nin UTC \\ exactly'`] })
    expect(byId('op-3')).toMatchObject({ status: 'applied', verified: true, statements: [`COMMENT ON VIEW "shop"."main"."active_users" IS 'A view'`] })
    for (const id of ['op-4', 'op-5', 'op-6', 'op-7']) expect(byId(id), id).toMatchObject({ status: 'unsupported', statements: [] })
    expect(byId('op-8')).toMatchObject({ status: 'failed', error: { code: 'OBJECT_NOT_FOUND' } })
    expect(report.summary).toMatchObject({ applied: 3, verified: 3, unsupported: 4, failed: 1 })
    const rows = await queryDuckdb(file, `SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'user.events'`)
    expect(rows).toEqual([{ column_name: 'at.ts', comment: 'When\nin UTC \\ exactly' }])
  })

  it('a second run finds everything in place and sends nothing', async () => {
    const report = await run(config, { items: pipeline.operations.length, normalized: normalizePipeline(pipeline) }, { apply: true, offline: false })
    expect(report.summary).toMatchObject({ unchanged: 3, applied: 0, unsupported: 4, failed: 1 })
  })
})
