import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { run } from '../../src/engine/run.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'
import { columnComments, createTempMysqlDatabase, mysqlServer, showCreateTable, tableComment, type TempMysqlDatabase } from '../support/mysql-server.js'

/**
 * The engine end to end on MariaDB, with OpenMetadata's MySQL names: service.default.<database>.<table>.
 * Column definitions travel from readBack through prepareOperation to the dialect.
 */
let tmp: TempMysqlDatabase
let config: RevmetaConfig
let pipeline: { type: string; service: Record<string, string>; operations: Record<string, unknown>[] }

const link = (entity: string, fqn: string, field: string) => `<#E::${entity}::${fqn}::${field}>`
const op = (id: string, entityLink: string, type: string, parameters: Record<string, unknown>) => ({ id, entityLink, type, parameters })

beforeAll(async () => {
  tmp = await createTempMysqlDatabase('revmeta_eng')
  const base = `svc.default.${tmp.name}`
  await tmp.conn.query(`USE \`${tmp.name}\`;
    CREATE TABLE orders (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, note varchar(20) CHARACTER SET latin1 NOT NULL DEFAULT 'it''s' COMMENT 'old', at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()) COMMENT 'old';
    CREATE VIEW orders_v AS SELECT id FROM orders;`)
  pipeline = {
    type: 'ReverseIngestion',
    service: { id: '3f0e1c52-8a5e-4c43-9a3b-6f1f3f0b7a11', type: 'databaseService', name: 'svc' },
    operations: [
      op('t', link('table', `${base}.orders`, 'description'), 'UPDATE_DESCRIPTION', { previousDescription: 'old', newDescription: 'Orders' }),
      op('c', link('table', `${base}.orders`, 'columns::note::description'), 'UPDATE_DESCRIPTION', { newDescription: "Free text, it's \\ fine" }),
      op('a', link('table', `${base}.orders`, 'columns::at::description'), 'UPDATE_DESCRIPTION', { newDescription: 'x'.repeat(1500) }),
      op('s', link('databaseSchema', base, 'description'), 'UPDATE_DESCRIPTION', { newDescription: 'The shop' }),
      op('d', link('database', 'svc.default', 'description'), 'UPDATE_DESCRIPTION', { newDescription: 'nothing holds this' }),
      op('o', link('table', `${base}.orders`, 'owner'), 'UPDATE_OWNER', { addedOwners: [{ id: 'u1', type: 'user', name: 'alice' }] }),
      op('g', link('table', `${base}.orders`, 'columns::note::tags'), 'UPDATE_TAGS', { addedTags: [{ tagFQN: 'PII.Sensitive', source: 'Classification', labelType: 'Manual', state: 'Confirmed' }] }),
      op('v', link('table', `${base}.orders_v`, 'description'), 'UPDATE_DESCRIPTION', { newDescription: 'A view' }),
      op('w', link('table', `${base}.orders_v`, 'columns::id::description'), 'UPDATE_DESCRIPTION', { newDescription: 'A view column' }),
    ],
  }
  config = await resolveConfig(
    {
      services: [{ name: 'svc', type: 'mysql', connection: { ...mysqlServer, lockTimeoutMs: 2000 } }],
      channels: [{ name: 'all', sync: { owners: true }, options: { onTooLong: 'truncate' } }],
    },
    { source: 'test', baseDir: process.cwd(), env: {} },
  )
})

afterAll(async () => {
  await tmp?.drop()
})

const input = () => ({ items: pipeline.operations.length, normalized: normalizePipeline(pipeline) })
const byId = (report: Awaited<ReturnType<typeof run>>) => Object.fromEntries(report.operations.map((o) => [o.origins[0]?.eventId ?? o.id, o]))

describe('engine on MariaDB', () => {
  it('plans offline without column definitions: column comments cannot be rendered', async () => {
    const report = byId(await run(config, input(), { apply: false, offline: true }))
    expect(report.t).toMatchObject({ status: 'planned', statements: [`ALTER TABLE \`${tmp.name}\`.\`orders\` COMMENT = 'Orders'`] })
    expect(report.c).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED' } })
    // Offline, the dialect cannot know the server is a MariaDB with database comments.
    expect(report.s?.status).toBe('unsupported')
  })

  it('applies and verifies, keeping every column attribute, and reports what MySQL cannot hold', async () => {
    const before = await showCreateTable(tmp.conn, tmp.name, 'orders')
    const report = await run(config, input(), { apply: true, offline: false })
    const ops = byId(report)
    expect(ops.t).toMatchObject({ status: 'applied', verified: true, current: 'old' })
    expect(ops.c).toMatchObject({
      status: 'applied',
      verified: true,
      statements: [`ALTER TABLE \`${tmp.name}\`.\`orders\` MODIFY COLUMN \`note\` varchar(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL DEFAULT 'it''s' COMMENT 'Free text, it''s \\\\ fine'`],
    })
    expect(ops.a).toMatchObject({ status: 'applied', verified: true })
    expect(ops.a?.warnings.join(' ')).toMatch(/truncated from 1500 to 1024 characters/)
    expect(ops.s).toMatchObject({ status: 'applied', verified: true })
    for (const id of ['d', 'o', 'g']) expect(ops[id]?.status, id).toBe('unsupported')
    expect(ops.v).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED' } })
    expect(ops.w).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED' } })

    expect(await tableComment(tmp.conn, tmp.name, 'orders')).toBe('Orders')
    expect((await columnComments(tmp.conn, tmp.name, 'orders')).note).toBe("Free text, it's \\ fine")
    const after = await showCreateTable(tmp.conn, tmp.name, 'orders')
    const strip = (text: string) => text.replace(/ COMMENT[ =]'(?:[^'\\]|''|\\.)*'/g, '')
    expect(strip(after)).toBe(strip(before))
  })

  it('a second run finds everything in place and sends nothing', async () => {
    const report = await run(config, input(), { apply: true, offline: false })
    expect(report.summary).toMatchObject({ unchanged: 4, applied: 0, unsupported: 3, failed: 2 })
  })
})
