import { describe, expect, it } from 'vitest'
import { checkService } from '../../src/check/check-service.js'
import { privilegeNeeds } from '../../src/check/privilege-needs.js'
import { resolveConfig } from '../../src/config/load-config.js'
import { capabilitiesOf } from '../../src/connectors/connector.js'
import { SnowflakeDialect } from '../../src/connectors/snowflake/snowflake-dialect.js'

const config = (channels: unknown[], services: unknown[] = [{ name: 'pg', type: 'pglite', connection: {} }]) => resolveConfig({ services, channels }, { source: 'test', baseDir: '/tmp' })

describe('privilegeNeeds', () => {
  const caps = capabilitiesOf(new SnowflakeDialect())
  const snow = [{ name: 'snow', type: 'snowflake', connection: { account: 'a', username: 'u', password: 'p' } }]

  it("OpenMetadata's defaults: descriptions and tags at every level the engine holds, no owners", async () => {
    const needs = privilegeNeeds(await config([{ name: 'c' }], snow), 'snow', caps)
    expect(needs.map((n) => `${n.kind}/${n.level}`)).toEqual(['description/database', 'description/schema', 'description/table', 'description/column', 'tags/database', 'tags/schema', 'tags/table', 'tags/column'])
  })

  it("a channel's filter.levels narrows, a templated kind is left to its author, other services' channels do not count", async () => {
    const channels = [
      { name: 'a', services: ['snow'], filter: { levels: ['table'] }, sync: { descriptions: true, tags: true, owners: true }, templates: { tags: "SELECT {literal(tag_key)}" } },
      { name: 'b', services: ['other'], sync: { owners: true } },
    ]
    const needs = privilegeNeeds(await config(channels, [...snow, { name: 'other', type: 'pglite', connection: {} }]), 'snow', caps)
    expect(needs.map((n) => `${n.kind}/${n.level}`)).toEqual(['description/table', 'owners/table'])
  })
})

describe('checkService', () => {
  it('an in-process PGlite database: connected, its version, the superuser holds every need', async () => {
    const check = await checkService(await config([{ name: 'c', sync: { owners: true } }]), 'pg')
    expect(check).toMatchObject({ service: 'pg', engine: 'pglite', ok: true, connected: true })
    expect(check.version).toMatch(/^\d+/)
    expect(check.findings).toHaveLength(7)
  })

  it('a service the configuration does not hold is a coded error, not a finding', async () => {
    await expect(checkService(await config([]), 'nope')).rejects.toMatchObject({ code: 'UNKNOWN_SERVICE' })
  })

  it('an aborted signal ends the check with a coded error, not connected', async () => {
    const signal = AbortSignal.abort()
    const check = await checkService(await config([{ name: 'c' }]), 'pg', { signal })
    expect(check).toMatchObject({ ok: false, connected: false, error: { code: 'CONNECTION_FAILED' } })
  })
})
