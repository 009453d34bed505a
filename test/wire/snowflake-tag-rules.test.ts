import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { changeEvent, json, tag } from '../support/om-events.js'
import { revmeta } from '../support/run-cli.js'
import { startSnowflakeEndpoint, type SnowflakeEndpoint } from '../support/snowflake-endpoint.js'
import { SnowflakeModel } from '../support/snowflake-model.js'

/**
 * Allowed tag values and database-level tags through `revmeta apply` / `plan` (the built CLI) on
 * the loopback Snowflake endpoint, tags living in the assets' own schemas (no tagSchema): the
 * read-back's SHOW TAGS IN DATABASE finds each tag's allowed values and a database tag's schema.
 */
type Op = { asset: string; kind: string; status: string; statements: string[]; error?: { code: string; message: string } }

let dir: string
let endpoint: SnowflakeEndpoint
let model: SnowflakeModel
let config: string
let events: string
/** When set, SHOW TAGS times out (000630, retryable): the read-back fails. */
let showTimesOut = false

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-snowflake-tags-'))
  model = new SnowflakeModel()
    .add(['SALES'], 'DATABASE')
    .add(['SALES', 'PUBLIC'], 'SCHEMA')
    .add(['SALES', 'GOVERNANCE'], 'SCHEMA')
    .add(['SALES', 'PUBLIC', 'ORDERS'], 'BASE TABLE', 'old')
    .add(['SALES', 'PUBLIC', 'ORDERS', 'EMAIL'], 'COLUMN')
    .add(['OTHER'], 'DATABASE')
    .add(['EMPTY'], 'DATABASE')
    // The database's tag lives in one schema of it; the others in the assets' own schema.
    .defineTag(['SALES', 'GOVERNANCE', 'COST_CENTER'], ['finance', 'engineering'])
    .defineTag(['SALES', 'PUBLIC', 'PII'], ['email', "it's \\ 🦄"])
    .defineTag(['SALES', 'PUBLIC', 'TIER'])
    // Two schemas hold a tag of one name: which one a database tag means cannot be told.
    .defineTag(['OTHER', 'A', 'DUP'])
    .defineTag(['OTHER', 'B', 'DUP'])
  endpoint = await startSnowflakeEndpoint((sql) =>
    showTimesOut && sql.startsWith('SHOW TAGS') ? { error: { code: '000630', message: 'Statement reached its statement or warehouse timeout of 60 second(s) and was canceled.' } } : model.answer(sql),
  )
  config = path.join(dir, 'revmeta.yaml')
  const connection = { account: 'revmeta_test', accessUrl: endpoint.url, username: 'loader', password: 'pw', warehouse: 'WH', role: 'SYSADMIN', maxRetries: 1 }
  await writeFile(config, stringify({ services: [{ name: 'snow', type: 'snowflake', connection }], channels: [{ name: 'tags', sync: { descriptions: true, tags: true, owners: false } }] }))
  events = path.join(dir, 'events.json')
  await writeFile(
    events,
    JSON.stringify([
      changeEvent('database', 'snow.SALES', { added: [{ name: 'tags', newValue: json([tag('COST_CENTER.finance')]) }] }),
      changeEvent('database', 'snow.OTHER', { added: [{ name: 'tags', newValue: json([tag('DUP.x')]) }] }),
      changeEvent('database', 'snow.EMPTY', { added: [{ name: 'tags', newValue: json([tag('NOPE.x')]) }] }),
      changeEvent('databaseSchema', 'snow.SALES.PUBLIC', { added: [{ name: 'tags', newValue: json([tag('TIER."any value 🦄"')]) }] }),
      // PII.phone is not among PII's allowed values: that operation alone fails, nothing sent for it.
      changeEvent('table', 'snow.SALES.PUBLIC.ORDERS', {
        updated: [{ name: 'description', oldValue: 'old', newValue: 'Orders' }],
        added: [
          { name: 'tags', newValue: json([tag('PII.phone')]) },
          { name: 'columns.EMAIL.tags', newValue: json([tag(`PII."it's \\ 🦄"`)]) },
        ],
      }),
    ]),
  )
})

afterAll(async () => {
  await endpoint?.close()
  await rm(dir, { recursive: true, force: true })
})

const writes = (): string[] => endpoint.executed().filter((sql) => !/^(SELECT|SHOW|ALTER SESSION)/.test(sql))
const byAsset = (ops: Op[]) => Object.fromEntries(ops.map((o) => [`${o.asset}:${o.kind}`, [o.status, o.error?.code ?? null, o.statements]]))

describe('Snowflake allowed tag values and database tags (wire tier)', () => {
  it('plan --offline cannot know: the value not allowed is planned, database tags without tagSchema are unsupported', async () => {
    const { code, stdout, stderr } = await revmeta('plan', '--offline', '--config', config, '--events', events, '--json')
    expect(code, stderr).toBe(0)
    const ops = byAsset(JSON.parse(stdout).operations)
    expect(ops['snow.SALES.PUBLIC.ORDERS:tags']).toEqual(['planned', null, [`ALTER TABLE "SALES"."PUBLIC"."ORDERS" SET TAG "SALES"."PUBLIC"."PII" = 'phone'`]])
    for (const db of ['SALES', 'OTHER', 'EMPTY']) expect(ops[`snow.${db}:tags`]?.slice(0, 2)).toEqual(['unsupported', 'TAG_SCHEMA_UNKNOWN'])
    expect(endpoint.received).toEqual([])
  })

  it('apply: a value not allowed fails its operation alone before anything is sent; a database tag finds its schema', async () => {
    const { code, stdout, stderr } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    expect(code, stdout + stderr).toBe(1)
    const report = JSON.parse(stdout) as { operations: Op[] }
    expect(byAsset(report.operations)).toEqual({
      'snow.SALES:tags': ['applied', null, [`ALTER DATABASE "SALES" SET TAG "SALES"."GOVERNANCE"."COST_CENTER" = 'finance'`]],
      'snow.OTHER:tags': ['unsupported', 'TAG_SCHEMA_UNKNOWN', []],
      'snow.EMPTY:tags': ['unsupported', 'TAG_SCHEMA_UNKNOWN', []],
      'snow.SALES.PUBLIC:tags': ['applied', null, [`ALTER SCHEMA "SALES"."PUBLIC" SET TAG "SALES"."PUBLIC"."TIER" = 'any value 🦄'`]],
      'snow.SALES.PUBLIC.ORDERS:description': ['applied', null, [`COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 'Orders'`]],
      'snow.SALES.PUBLIC.ORDERS:tags': ['failed', 'TAG_VALUE_NOT_ALLOWED', []],
      'snow.SALES.PUBLIC.ORDERS.EMAIL:tags': ['applied', null, [`ALTER TABLE "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" SET TAG "SALES"."PUBLIC"."PII" = 'it\\'s \\\\ 🦄'`]],
    })
    const errors = Object.fromEntries(report.operations.filter((o) => o.error).map((o) => [o.asset, o.error?.message]))
    expect(errors['snow.SALES.PUBLIC.ORDERS']).toBe(`Tag SALES.PUBLIC.PII does not allow the value "phone" (allowed: "email", "it's \\\\ 🦄")`)
    expect(errors['snow.OTHER']).toMatch(/holds tags of that name in schemas "A", "B"$/)
    expect(errors['snow.EMPTY']).toMatch(/holds no tag of that name$/)
    // Exactly the statements that were allowed; the verification read back what they set.
    expect(writes().sort()).toEqual(
      [
        `ALTER DATABASE "SALES" SET TAG "SALES"."GOVERNANCE"."COST_CENTER" = 'finance'`,
        `ALTER SCHEMA "SALES"."PUBLIC" SET TAG "SALES"."PUBLIC"."TIER" = 'any value 🦄'`,
        `COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 'Orders'`,
        `ALTER TABLE "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" SET TAG "SALES"."PUBLIC"."PII" = 'it\\'s \\\\ 🦄'`,
      ].sort(),
    )
    expect(model.tagsOf('SALES')).toEqual(['COST_CENTER=finance'])
    expect(model.tagsOf('SALES', 'PUBLIC', 'ORDERS')).toEqual([])
    expect(model.tagsOf('SALES', 'PUBLIC', 'ORDERS', 'EMAIL')).toEqual(["PII=it's \\ 🦄"])
    // Tag definitions are read once per database read-back, never per object or per tag.
    const shows = endpoint.executed().filter((sql) => sql.startsWith('SHOW'))
    expect(new Set(shows)).toEqual(new Set(['SHOW TAGS IN DATABASE "SALES"', 'SHOW TAGS IN DATABASE "OTHER"', 'SHOW TAGS IN DATABASE "EMPTY"']))
    const readBacks = endpoint.executed().filter((sql) => sql.includes(`INFORMATION_SCHEMA.DATABASES WHERE DATABASE_NAME = 'SALES'`))
    expect(shows.filter((sql) => sql === 'SHOW TAGS IN DATABASE "SALES"')).toHaveLength(readBacks.length)
  })

  it('when the read-back itself fails, a database tag reports that (retryable) failure, not unsupported', async () => {
    showTimesOut = true
    const { code, stdout, stderr } = await revmeta('apply', '--no-store', '--config', config, '--events', events, '--json')
    showTimesOut = false
    expect(code, stdout + stderr).toBe(1)
    const ops = byAsset(JSON.parse(stdout).operations)
    // Unsupported only for want of the read-back: a later retry, with it, decides.
    for (const db of ['SALES', 'OTHER', 'EMPTY']) expect(ops[`snow.${db}:tags`]?.slice(0, 2)).toEqual(['failed', 'LOCK_TIMEOUT'])
  })
})
