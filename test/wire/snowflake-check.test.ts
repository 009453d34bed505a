import { afterEach, describe, expect, it } from 'vitest'
import { checkService } from '../../src/check/check-service.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { startSnowflakeEndpoint, type SnowflakeEndpoint, type SnowflakeReply } from '../support/snowflake-endpoint.js'

/**
 * `checkService` on Snowflake's wire tier: the official snowflake-sdk against the loopback
 * endpoint, which records every statement and answers the scripted catalog rows.
 */
let endpoint: SnowflakeEndpoint | undefined
afterEach(async () => {
  await endpoint?.close()
  endpoint = undefined
})

const password = 'sf-secret-pw-1'

async function configFor(url: string, sync = 'descriptions: true, tags: true, owners: true') {
  return resolveConfig(
    {
      services: [{ name: 'snow', type: 'snowflake', connection: { account: 'revmeta_test', accessUrl: url, username: 'loader', password, warehouse: 'WH', role: 'LOADER', database: 'SALES', maxRetries: 1 } }],
      channels: [{ name: 'all', sync: Object.fromEntries(sync.split(', ').map((kv) => [kv.split(': ')[0], kv.split(': ')[1] === 'true'])) }],
    },
    { source: 'test', baseDir: '/tmp' },
  )
}

const ownersRows = [
  { LEVEL: 'database', DATABASE_NAME: 'SALES', SCHEMA_NAME: null, TABLE_NAME: null, OWNER: 'SYSADMIN' },
  { LEVEL: 'schema', DATABASE_NAME: 'SALES', SCHEMA_NAME: 'PUBLIC', TABLE_NAME: null, OWNER: 'LOADER' },
  { LEVEL: 'table', DATABASE_NAME: 'SALES', SCHEMA_NAME: 'PUBLIC', TABLE_NAME: 'ORDERS', OWNER: 'LOADER' },
  { LEVEL: 'table', DATABASE_NAME: 'SALES', SCHEMA_NAME: 'PUBLIC', TABLE_NAME: 'odd "name"', OWNER: 'ANALYST' },
]

function answer(role: string, grants: Record<string, string | null>[]): (sql: string) => SnowflakeReply | undefined {
  return (sql) => {
    if (sql.startsWith('SELECT CURRENT_VERSION()')) return { rows: [{ VERSION: '9.1.0', ROLE: role, ROLES: JSON.stringify([role, 'PUBLIC']) }] }
    if (sql.startsWith('SHOW GRANTS TO ROLE')) return { rows: grants, columns: ['privilege', 'granted_on', 'name'] }
    if (sql.includes('INFORMATION_SCHEMA.DATABASES')) return { rows: ownersRows }
    return undefined
  }
}

describe('revmeta check on Snowflake (wire)', () => {
  it('sends three catalog queries, then names what the role lacks with the exact grants', async () => {
    endpoint = await startSnowflakeEndpoint(answer('LOADER', [{ privilege: 'USAGE', granted_on: 'WAREHOUSE', name: 'WH' }]))
    const check = await checkService(await configFor(endpoint.url), 'snow')
    const sent = endpoint.executed().filter((s) => !s.startsWith('ALTER SESSION'))
    expect(sent[0]).toBe('SELECT CURRENT_VERSION() AS "VERSION", CURRENT_ROLE() AS "ROLE", CURRENT_AVAILABLE_ROLES() AS "ROLES"')
    expect(sent[1]).toBe('SHOW GRANTS TO ROLE "LOADER"')
    expect(sent[2]).toContain(`FROM "SALES".INFORMATION_SCHEMA.DATABASES WHERE DATABASE_NAME = 'SALES'`)
    expect(sent).toHaveLength(3)
    expect(check).toMatchObject({ service: 'snow', engine: 'snowflake', connected: true, ok: false, version: '9.1.0' })
    const missing = check.findings.filter((f) => !f.held).map((f) => `${f.kind} ${f.level} ${f.object} → ${f.grant}`)
    expect(missing).toEqual([
      'description database SALES → GRANT ROLE "SYSADMIN" TO ROLE "LOADER";',
      'description table SALES.PUBLIC.odd "name" → GRANT ROLE "ANALYST" TO ROLE "LOADER";',
      'description column SALES.PUBLIC.odd "name" → GRANT ROLE "ANALYST" TO ROLE "LOADER";',
      'tags database * → GRANT APPLY TAG ON ACCOUNT TO ROLE "LOADER";',
      'tags schema * → GRANT APPLY TAG ON ACCOUNT TO ROLE "LOADER";',
      'tags table * → GRANT APPLY TAG ON ACCOUNT TO ROLE "LOADER";',
      'tags column * → GRANT APPLY TAG ON ACCOUNT TO ROLE "LOADER";',
      'owners database SALES → GRANT ROLE "SYSADMIN" TO ROLE "LOADER";',
      'owners table SALES.PUBLIC.odd "name" → GRANT ROLE "ANALYST" TO ROLE "LOADER";',
    ])
    expect(JSON.stringify(check)).not.toContain(password)
  })

  it('MANAGE GRANTS covers owners and APPLY TAG covers tags, so only the comments need ownership', async () => {
    endpoint = await startSnowflakeEndpoint(
      answer('LOADER', [
        { privilege: 'MANAGE GRANTS', granted_on: 'ACCOUNT', name: 'ACME' },
        { privilege: 'APPLY TAG', granted_on: 'ACCOUNT', name: 'ACME' },
      ]),
    )
    const check = await checkService(await configFor(endpoint.url, 'descriptions: false, tags: true, owners: true'), 'snow')
    expect(check.ok).toBe(true)
    expect(check.findings.map((f) => `${f.kind} ${f.level} ${f.privilege}`)).toEqual([
      'tags database APPLY TAG on the account',
      'tags schema APPLY TAG on the account',
      'tags table APPLY TAG on the account',
      'tags column APPLY TAG on the account',
      'owners database MANAGE GRANTS on the account',
      'owners schema MANAGE GRANTS on the account',
      'owners table MANAGE GRANTS on the account',
    ])
  })

  it('ACCOUNTADMIN holds everything: ok, and no owner query is needed', async () => {
    endpoint = await startSnowflakeEndpoint(answer('ACCOUNTADMIN', []))
    const check = await checkService(await configFor(endpoint.url), 'snow')
    expect(check.ok).toBe(true)
    expect(check.findings.every((f) => f.held && f.privilege === 'ACCOUNTADMIN')).toBe(true)
  })

  it('a permanent error on the catalog query: connected false, coded, the password nowhere', async () => {
    endpoint = await startSnowflakeEndpoint((sql) => (sql.startsWith('SELECT CURRENT_VERSION()') ? { error: { code: '002003', message: `SQL compilation error: Object does not exist ${password}`, sqlState: '02000' } } : undefined))
    const check = await checkService(await configFor(endpoint.url), 'snow')
    expect(check).toMatchObject({ ok: false, connected: false, findings: [] })
    expect(check.error!.code).toMatch(/^[A-Z_]+$/)
    expect(JSON.stringify(check)).not.toContain(password)
  })
})
