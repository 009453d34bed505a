import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { decodeDeclare, interpretProperty } from '../support/mssql-decoder.js'
import { changeEvent, json, tag, user } from '../support/om-events.js'
import { interpretOracle } from '../support/oracle-decoder.js'
import { revmeta } from '../support/run-cli.js'

/**
 * The Done-when of issue 14: `revmeta plan --offline --json` over one stream of OpenMetadata
 * events (hostile descriptions, tags and owners at every level) to SQL Server and Oracle
 * services prints exactly the statements the dialect reference prescribes: every literal is
 * decoded back to the catalog's text, and what an engine has no such thing for is `unsupported`.
 */
const hostile = `It's "odd": N'x' \\\nC:\\new\\ & &amp; q'[z]' — 🦄 中文\r\n$$ '; DROP TABLE x; --`
const text = (level: string) => `${level}: ${hostile}`
const table = "it's Orders.v2"
const column = 'e-mail'

/** Every kind at every level OpenMetadata addresses, for one service's database and schema. */
function edits(service: string, database: string, schema: string): unknown[] {
  const db = `${service}.${database}`
  const sc = `${db}.${schema}`
  const t = `${sc}."${table}"`
  const owners = (name: string) => ({ name: 'owners', newValue: json([user(name)]) })
  const tags = (fqn: string) => ({ name: 'tags', newValue: json([tag(fqn)]) })
  return [
    changeEvent('database', db, { added: [{ name: 'description', newValue: text('database') }, tags('Tier.Gold'), owners('db_login')] }),
    changeEvent('databaseSchema', sc, { added: [{ name: 'description', newValue: text('schema') }, tags('Tier.Silver'), owners('schema_owner')] }),
    changeEvent('table', t, {
      added: [{ name: 'description', newValue: text('table') }, tags('PII.Sensitive'), owners('table_owner'), { name: `columns.${column}.description`, newValue: text('column') }, { name: `columns.${column}.tags`, newValue: json([tag('PII.Email')]) }],
    }),
  ]
}

// OpenMetadata's Oracle ingestion shows ORDERS.EMAIL as orders.email: revmeta folds such names back.
const folded = changeEvent('table', 'ora.FREEPDB1.sales.orders', { added: [{ name: 'columns.email.description', newValue: 'folded' }] })

type Op = { channel: string; service: string; asset: string; level: string; kind: string; status: string; statements: string[]; warnings: string[]; error?: { code: string; message: string } }
let dir: string
let ops: Op[]

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-mssql-oracle-'))
  const config = path.join(dir, 'revmeta.yaml')
  const server = { host: '127.0.0.1', user: 'loader', password: 'never-used' }
  await writeFile(
    config,
    stringify({
      services: [
        { name: 'sqlserver', type: 'mssql', connection: server },
        { name: 'sqlstrict', type: 'mssql', connection: server },
        { name: 'ora', type: 'oracle', connection: { ...server, serviceName: 'FREEPDB1', version: '23.5' } },
        { name: 'ora19', type: 'oracle', connection: { ...server, serviceName: 'ORCL', version: '19.3' } },
      ],
      channels: [
        { name: 'all', services: ['sqlserver', 'ora', 'ora19'], sync: { descriptions: true, tags: true, owners: true }, options: { owners: { allowPermissionDrop: true } } },
        { name: 'strict', services: ['sqlstrict'], sync: { descriptions: false, tags: false, owners: true } },
      ],
    }),
  )
  const events = path.join(dir, 'events.json')
  await writeFile(events, JSON.stringify([...edits('sqlserver', 'Shop', 'sales'), ...edits('sqlstrict', 'Shop', 'sales'), ...edits('ora', 'FREEPDB1', 'SALES'), ...edits('ora19', 'ORCL', 'SALES'), folded]))
  const result = await revmeta('plan', '--offline', '--json', '--config', config, '--events', events)
  expect(result.stderr).toBe('')
  ops = (JSON.parse(result.stdout) as { operations: Op[] }).operations
}, 60_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const find = (service: string, level: string, kind: string): Op => {
  const found = ops.filter((o) => o.service === service && o.level === level && o.kind === kind && !o.asset.startsWith('ora.FREEPDB1.sales.'))
  expect(found, `${service} ${level} ${kind}`).toHaveLength(1)
  return found[0]!
}

/** The statement's effect, read from its display text alone, as SQL Server would run it. */
const mssqlEffect = (display: string) => {
  const { params, sql } = decodeDeclare(display)
  return interpretProperty(sql, params)
}
const levels = { database: [], schema: [['SCHEMA', 'sales']], table: [['SCHEMA', 'sales'], ['TABLE', table]], column: [['SCHEMA', 'sales'], ['TABLE', table], ['COLUMN', column]] } as const

describe('SQL Server (mssql), planned offline', () => {
  it('descriptions at every level: MS_Description upserts whose literals decode to the catalog text', () => {
    for (const level of ['database', 'schema', 'table', 'column'] as const) {
      const op = find('sqlserver', level, 'description')
      expect(op.status).toBe('planned')
      expect(op.statements.map(mssqlEffect)).toEqual([{ op: 'upsert', name: 'MS_Description', value: text(level), levels: levels[level] }])
    }
  })

  it('tags at every level: extended properties under the prefix', () => {
    const expected = { database: ['Tier', 'Gold'], schema: ['Tier', 'Silver'], table: ['PII', 'Sensitive'], column: ['PII', 'Email'] } as const
    for (const level of ['database', 'schema', 'table', 'column'] as const) {
      const op = find('sqlserver', level, 'tags')
      expect(op.status).toBe('planned')
      expect(op.statements.map(mssqlEffect)).toEqual([{ op: 'upsert', name: `openmetadata.tag.${expected[level][0]}`, value: expected[level][1], levels: levels[level] }])
    }
  })

  it('owners: exactly the ALTER AUTHORIZATION statements, the permission loss announced below the database', () => {
    expect(find('sqlserver', 'database', 'owners')).toMatchObject({ status: 'planned', statements: ['ALTER AUTHORIZATION ON DATABASE::[Shop] TO [db_login]'], warnings: [] })
    expect(find('sqlserver', 'schema', 'owners')).toMatchObject({ status: 'planned', statements: ['ALTER AUTHORIZATION ON SCHEMA::[sales] TO [schema_owner]'] })
    const onTable = find('sqlserver', 'table', 'owners')
    expect(onTable).toMatchObject({ status: 'planned', statements: [`ALTER AUTHORIZATION ON OBJECT::[sales].[${table}] TO [table_owner]`] })
    expect(onTable.warnings).toEqual([`changing the owner of sqlserver.Shop.sales."${table}" makes mssql DROP EVERY PERMISSION granted on it (allowed by options.owners.allowPermissionDrop): grant them again afterwards`])
  })

  it('a channel that has not opted in is refused owner changes that drop permissions, and sends nothing', () => {
    expect(find('sqlstrict', 'database', 'owners')).toMatchObject({ status: 'planned', statements: ['ALTER AUTHORIZATION ON DATABASE::[Shop] TO [db_login]'] })
    for (const level of ['schema', 'table']) {
      const op = find('sqlstrict', level, 'owners')
      expect(op).toMatchObject({ status: 'failed', statements: [], error: { code: 'OWNER_DROPS_PERMISSIONS' } })
      expect(op.error!.message).toMatch(/set options\.owners\.allowPermissionDrop: true on channel strict/)
    }
  })

  it('no literal in any statement holds a backslash right before a line break (SQL Server would drop both)', () => {
    for (const op of ops.filter((o) => o.service === 'sqlserver')) for (const s of op.statements) expect(/N'(?:[^']|'')*\\(?:\r?\n)/.test(s), s).toBe(false)
  })
})

describe('Oracle (oracle), planned offline', () => {
  it('comments on the table and the column, decoded back exactly; database and schema unsupported with the reason', () => {
    // The text holds q'[z]', so the first delimiter that fits is {}.
    const onTable = find('ora', 'table', 'description').statements
    expect(onTable).toEqual([`COMMENT ON TABLE "SALES"."${table}" IS q'{${text('table')}}'`])
    expect(onTable.map(interpretOracle)).toEqual([{ op: 'comment', keyword: 'TABLE', name: ['SALES', table], value: text('table') }])
    expect(find('ora', 'column', 'description').statements.map(interpretOracle)).toEqual([{ op: 'comment', keyword: 'COLUMN', name: ['SALES', table, column], value: text('column') }])
    for (const level of ['database', 'schema']) {
      const op = find('ora', level, 'description')
      expect(op).toMatchObject({ status: 'unsupported', statements: [], error: { code: 'UNSUPPORTED' } })
      expect(op.error!.message).toMatch(/no COMMENT ON SCHEMA/)
    }
  })

  it('tags as annotations on 23ai (table and column), unsupported at database and schema', () => {
    expect(find('ora', 'table', 'tags').statements).toEqual([`ALTER TABLE "SALES"."${table}" ANNOTATIONS (DROP IF EXISTS "PII")`, `ALTER TABLE "SALES"."${table}" ANNOTATIONS (ADD "PII" 'Sensitive')`])
    expect(find('ora', 'column', 'tags').statements.map(interpretOracle)).toEqual([
      { op: 'annotate', keyword: 'TABLE', name: ['SALES', table], column, action: 'drop', key: 'PII' },
      { op: 'annotate', keyword: 'TABLE', name: ['SALES', table], column, action: 'add', key: 'PII', value: 'Email' },
    ])
    for (const level of ['database', 'schema']) expect(find('ora', level, 'tags')).toMatchObject({ status: 'unsupported', statements: [] })
  })

  it('a 19.3 server has no annotations: tags unsupported at every level, saying why', () => {
    for (const level of ['database', 'schema', 'table', 'column']) {
      const op = find('ora19', level, 'tags')
      expect(op).toMatchObject({ status: 'unsupported', statements: [], error: { code: 'UNSUPPORTED' } })
      expect(op.error!.message).toMatch(/23ai or 19\.28\+; this server is 19\.3/)
    }
    expect(find('ora19', 'table', 'description').status).toBe('planned')
  })

  it('names the catalog shows lowered (as SQLAlchemy lowers ORDERS) are folded back to upper case', () => {
    const op = ops.find((o) => o.asset === 'ora.FREEPDB1.sales.orders.email')
    expect(op).toMatchObject({ status: 'planned', statements: [`COMMENT ON COLUMN "SALES"."ORDERS"."EMAIL" IS 'folded'`] })
  })

  it('owners unsupported at every level: the owner is the schema', () => {
    for (const level of ['database', 'schema', 'table']) {
      const op = find('ora', level, 'owners')
      expect(op).toMatchObject({ status: 'unsupported', statements: [], error: { code: 'UNSUPPORTED' } })
      expect(op.error!.message).toMatch(/owner is the schema it lives in/)
    }
  })
})
