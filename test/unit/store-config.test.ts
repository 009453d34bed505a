import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { loadStoreConfig } from '../../src/config/load-store-config.js'
import { checkStoreSection } from '../../src/config/store-schema.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-store-config-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const service = 'services:\n  - name: wh\n    type: postgres\n    connection: { host: 127.0.0.1, database: shop, user: postgres }\n'

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name)
  await writeFile(p, text)
  return p
}

describe('the store section', () => {
  it('fills defaults and refuses wrong types, values and keys, each named', () => {
    expect(checkStoreSection(undefined)).toEqual({
      ok: true,
      value: { dir: '.revmeta/store', schema: 'revmeta', connectTimeoutMs: 10_000, statementTimeoutMs: 60_000, queryTimeoutMs: 90_000, idleTimeoutMs: 30_000 },
    })
    const bad = checkStoreSection({ url: 5, schema: 'Bad-Name', statementTimeoutMs: 1.5, idleTimeoutMs: 0, extra: true })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.issues.map((i) => i.path.join('.'))).toEqual(['', 'url', 'schema', 'statementTimeoutMs', 'idleTimeoutMs'])
    expect(checkStoreSection([]).ok).toBe(false)
    expect(checkStoreSection({ url: null }).ok).toBe(false)
  })

  it('reads the same from a file alone as the whole configuration does', async () => {
    const p = await file('same.yaml', `store: { dir: ./state, schema: rm_x, queryTimeoutMs: 0 }\n${service}`)
    const whole = await loadConfig(p, {})
    const alone = await loadStoreConfig(p, {})
    expect(alone).toEqual(whole.store)
    expect(alone.dir).toBe(path.join(dir, 'state'))
  })

  it('says what is wrong the same way, with the key path', async () => {
    const p = await file('bad.yaml', `store: { dir: 3, surplus: 1 }\n${service}`)
    const whole = await loadConfig(p, {}).catch((e: Error) => e)
    const alone = await loadStoreConfig(p, {}).catch((e: Error) => e)
    expect(alone).toMatchObject({ code: 'CONFIG_INVALID' })
    expect((alone as Error).message).toContain('store.dir: expected a string, received 3')
    expect((alone as Error).message).toContain('store: unrecognized key(s) (surplus)')
    expect((whole as Error).message).toContain('store.dir: expected a string, received 3')
    expect((whole as Error).message).toContain('store: unrecognized key(s) (surplus)')
  })

  it('interpolates the store section, and does not need what only the services use', async () => {
    const p = await file('env.yaml', `store: { url: "\${STORE_URL}" }\nservices:\n  - name: wh\n    type: postgres\n    connection: { host: h, database: d, user: u, password: "\${UNSET_SECRET}" }\n`)
    expect((await loadStoreConfig(p, { STORE_URL: 'postgres://x@127.0.0.1/db' })).url).toBe('postgres://x@127.0.0.1/db')
    await expect(loadConfig(p, { STORE_URL: 'postgres://x@127.0.0.1/db' })).rejects.toMatchObject({ code: 'CONFIG_ENV_MISSING' })
    await expect(loadStoreConfig(p, {})).rejects.toMatchObject({ code: 'CONFIG_ENV_MISSING' })
    await expect(loadStoreConfig(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' })
  })
})
