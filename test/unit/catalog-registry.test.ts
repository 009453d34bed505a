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

  it('the server asks the backend what differs: a webhook secret of its own, and whether catalog.token is accepted', async () => {
    const withToken = { catalog: { type: 'x', token: 'bot-secret' } } as unknown as RevmetaConfig
    const builtin = await loadCatalogBackend('builtin')
    const a = builtin.defaultWebhookSecret()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(builtin.defaultWebhookSecret()).not.toBe(a)
    expect(builtin.apiTokenOf(withToken)).toBe('bot-secret')
    const om = await loadCatalogBackend('openmetadata')
    expect(om.defaultWebhookSecret()).toBeUndefined()
    // revmeta's credential towards OpenMetadata must never open revmeta's own API.
    expect(om.apiTokenOf(withToken)).toBeUndefined()
  })
})
