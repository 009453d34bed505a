import { describe, expect, it } from 'vitest'
import { catalogTypes, loadCatalogBackend } from '../../src/catalogs/registry.js'
import type { RevmetaConfig } from '../../src/config/load-config.js'

const omConfig = (poll: boolean) => ({ catalog: { type: 'openmetadata', url: 'http://127.0.0.1:1', poll, timeoutMs: 1_000 } }) as unknown as RevmetaConfig

describe('catalog registry', () => {
  it('knows the built-in catalog and OpenMetadata, each under its own type', async () => {
    expect(catalogTypes).toEqual(['builtin', 'openmetadata'])
    for (const type of catalogTypes) expect((await loadCatalogBackend(type)).type).toBe(type)
  })

  it('refuses an unknown type with a coded config error', async () => {
    await expect(loadCatalogBackend('atlas')).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('builtin, openmetadata') })
  })

  it('the built-in catalog serves its API in serve, is filled by ingest and is never polled', async () => {
    const builtin = await loadCatalogBackend('builtin')
    expect(await builtin.routePlugins()).toHaveLength(1)
    expect(builtin.ingest).toBeTypeOf('function')
    expect(builtin.pollClient(omConfig(true))).toBeUndefined()
  })

  it('OpenMetadata mounts no routes, has no ingest of ours, and is polled only when catalog.poll is set', async () => {
    const om = await loadCatalogBackend('openmetadata')
    expect(await om.routePlugins()).toEqual([])
    expect(om.ingest).toBeUndefined()
    expect(om.pollClient(omConfig(false))).toBeUndefined()
    expect(om.pollClient(omConfig(true))).toBeDefined()
  })
})
