import { afterEach, describe, expect, it } from 'vitest'
import { checkService } from '../../src/check/check-service.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { startDatabricksEndpoint, type DatabricksEndpoint } from '../support/databricks-endpoint.js'
import { DatabricksModel } from '../support/databricks-model.js'

/**
 * `revmeta check` on Databricks and Unity Catalog at the wire tier: the client asks the loopback
 * workspace who it runs as, then per catalog the objects with their owners and the principal's
 * grants, and names what is missing with the exact GRANT an administrator runs.
 */
let endpoint: DatabricksEndpoint | undefined
afterEach(async () => {
  await endpoint?.close()
  endpoint = undefined
})

const model = () =>
  new DatabricksModel()
    .add(['main'], 'CATALOG', null, 'admins')
    .add(['main', 'sales'], 'SCHEMA', null, 'revmeta@example.com')
    .add(['main', 'sales', 'orders'], 'MANAGED', null, 'data-eng')
    .add(['main', 'sales', 'orders', 'id'], 'COLUMN')
    .add(['main', 'sales', 'v'], 'VIEW', null, 'analyst@example.com')

async function check(type: 'databricks' | 'unity-catalog', sync = { descriptions: true, tags: true, owners: true }) {
  const config = await resolveConfig(
    { services: [{ name: 'dbx', type, connection: { host: endpoint!.url, token: 'dapi-test-token', warehouseId: 'wh', catalog: 'main', pollIntervalMs: 1 } }], channels: [{ name: 'all', sync }] },
    { source: 'test', baseDir: '/tmp' },
  )
  return checkService(config, 'dbx')
}

const missing = (findings: readonly { held: boolean; kind: string; level: string; object: string; grant?: string }[]) => findings.filter((f) => !f.held).map((f) => `${f.kind} ${f.level} ${f.object} → ${f.grant}`)

describe('revmeta check on Databricks (wire)', () => {
  it('asks who it is, then two queries per catalog, and names each missing privilege with its grant', async () => {
    endpoint = await startDatabricksEndpoint(model())
    const result = await check('databricks')
    const sent = endpoint.statements()
    expect(sent[0]).toBe('SELECT current_user() AS principal, version() AS version')
    expect(sent[1]).toContain('FROM `main`.information_schema.catalogs WHERE lower(catalog_name) = :catalog')
    expect(sent[2]).toContain('FROM `main`.information_schema.table_privileges WHERE (grantee = current_user() OR is_account_group_member(grantee))')
    expect(sent).toHaveLength(3)
    expect(result).toMatchObject({ service: 'dbx', engine: 'databricks', connected: true, ok: false, version: '3.5.2' })
    expect(missing(result.findings)).toEqual([
      'description database main → GRANT MANAGE ON CATALOG `main` TO `revmeta@example.com`;',
      'description table main.sales.orders → GRANT MODIFY ON TABLE `main`.`sales`.`orders` TO `revmeta@example.com`;',
      'description table main.sales.v → ALTER VIEW `main`.`sales`.`v` OWNER TO `revmeta@example.com`;',
      'description column main.sales.orders → GRANT MODIFY ON TABLE `main`.`sales`.`orders` TO `revmeta@example.com`;',
      'description column main.sales.v → ALTER VIEW `main`.`sales`.`v` OWNER TO `revmeta@example.com`;',
      'tags database main → GRANT APPLY TAG ON CATALOG `main` TO `revmeta@example.com`;',
      'tags table main.sales.orders → GRANT APPLY TAG ON TABLE `main`.`sales`.`orders` TO `revmeta@example.com`;',
      'tags table main.sales.v → GRANT APPLY TAG ON TABLE `main`.`sales`.`v` TO `revmeta@example.com`;',
      'tags column main.sales.orders → GRANT APPLY TAG ON TABLE `main`.`sales`.`orders` TO `revmeta@example.com`;',
      'tags column main.sales.v → GRANT APPLY TAG ON TABLE `main`.`sales`.`v` TO `revmeta@example.com`;',
      'owners database main → GRANT MANAGE ON CATALOG `main` TO `revmeta@example.com`;',
      'owners table main.sales.orders → GRANT MANAGE ON TABLE `main`.`sales`.`orders` TO `revmeta@example.com`;',
      'owners table main.sales.v → GRANT MANAGE ON TABLE `main`.`sales`.`v` TO `revmeta@example.com`;',
    ])
    expect(JSON.stringify(result)).not.toContain('dapi-test-token')
  })

  it('ownership through a group and privileges inherited from the catalog cover everything; ALL PRIVILEGES is not MANAGE', async () => {
    const m = model().grant(['main'], 'MANAGE').grant(['main'], 'ALL PRIVILEGES', 'data-eng')
    m.groups.add('data-eng')
    m.get('main', 'sales', 'v')!.owner = 'data-eng'
    endpoint = await startDatabricksEndpoint(m)
    const result = await check('unity-catalog')
    expect(missing(result.findings)).toEqual([])
    expect(result).toMatchObject({ engine: 'unity-catalog', ok: true })
    // Only ALL PRIVILEGES, through the group: MODIFY and APPLY TAG yes, MANAGE (descriptions of the catalog, owners) no.
    const n = model().grant(['main'], 'ALL PRIVILEGES', 'data-eng')
    n.groups.add('data-eng')
    await endpoint.close()
    endpoint = await startDatabricksEndpoint(n)
    const partial = await check('databricks', { descriptions: true, tags: true, owners: false })
    expect(missing(partial.findings)).toEqual([
      'description database main → GRANT MANAGE ON CATALOG `main` TO `revmeta@example.com`;',
      'description table main.sales.v → ALTER VIEW `main`.`sales`.`v` OWNER TO `revmeta@example.com`;',
      'description column main.sales.v → ALTER VIEW `main`.`sales`.`v` OWNER TO `revmeta@example.com`;',
    ])
  })
})
