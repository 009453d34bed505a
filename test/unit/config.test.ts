import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { interpolateEnv } from '../../src/config/interpolate-env.js'

const resolve = (tree: unknown, env: NodeJS.ProcessEnv = {}) => resolveConfig(tree, { source: 'test.yaml', baseDir: '/tmp', env })
const pg = { name: 'warehouse', type: 'postgres', connection: { database: 'shop' } }

describe('config', () => {
  it('applies defaults: one channel over every service with OpenMetadata sync defaults, frozen', async () => {
    const config = await resolve({ services: [pg] })
    expect(config.channels).toMatchObject([{ name: 'default', services: ['warehouse'], sync: { descriptions: true, tags: true, owners: false }, options: { descriptionFormat: 'markdown', onTooLong: 'fail' } }])
    expect(config.services[0]!.connection).toMatchObject({ host: '127.0.0.1', port: 5432, database: 'shop', lockTimeoutMs: 5000 })
    expect(Object.isFrozen(config.services[0]!.connection)).toBe(true)
  })

  it('names the bad key, including keys inside a connector connection', async () => {
    await expect(resolve({ services: [{ ...pg, connection: { port: 'five' } }] })).rejects.toThrow(/services\[0\]\.connection\.port/)
    await expect(resolve({ services: [pg], channels: [{ name: 'x', sync: { owner: true } }] })).rejects.toThrow(/channels\[0\]\.sync.*owner/)
    await expect(resolve({ services: [{ ...pg, type: 'nosuch' }] })).rejects.toThrow(/services\[0\]\.type: unknown connector "nosuch"/)
    await expect(resolve({ services: [pg], channels: [{ name: 'x', services: ['other'] }] })).rejects.toThrow(/channels\[0\]\.services\[0\]: no service named "other"/)
    await expect(resolve({ services: [pg, pg] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })

  it('reads secrets from the environment, with defaults, and never keeps the reference', async () => {
    const config = await resolve({ services: [{ ...pg, connection: { password: '${PGPASS}', user: '${PGUSER:-reader}' } }] }, { PGPASS: 's3cr:et' })
    expect(config.services[0]!.connection).toMatchObject({ password: 's3cr:et', user: 'reader' })
    await expect(resolve({ services: [{ ...pg, connection: { password: '${NOPE}' } }] })).rejects.toMatchObject({
      code: 'CONFIG_ENV_MISSING',
      message: expect.stringContaining('services[0].connection.password'),
    })
  })

  it('resolves every file option of a Snowflake connection against the config folder, leaving absolute paths alone', async () => {
    const snowflake = { name: 'snow', type: 'snowflake', connection: { account: 'acct', username: 'u', privateKeyPath: 'keys/rsa.p8', privateKeyPassphraseFile: '/run/secrets/pass' } }
    expect((await resolve({ services: [snowflake] })).services[0]!.connection).toMatchObject({ privateKeyPath: '/tmp/keys/rsa.p8', privateKeyPassphraseFile: '/run/secrets/pass' })
    const byToken = { ...snowflake, connection: { account: 'acct', username: 'u', tokenFile: 'oauth/token' } }
    expect((await resolve({ services: [byToken] })).services[0]!.connection).toMatchObject({ tokenFile: '/tmp/oauth/token' })
    const byPassword = { ...snowflake, connection: { account: 'acct', username: 'u', passwordFile: 'sf.pass' } }
    expect((await resolve({ services: [byPassword] })).services[0]!.connection).toMatchObject({ passwordFile: '/tmp/sf.pass' })
  })

  it('interpolates parsed values, so a secret cannot inject YAML structure, and $$ escapes', () => {
    expect(interpolateEnv({ a: ['${X}', 'cost: $$5'] }, { X: 'x\n- injected: true' })).toEqual({ a: ['x\n- injected: true', 'cost: $5'] })
  })
})
