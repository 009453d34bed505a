import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { buildApp } from '../../src/server/build-app.js'
import { ServerMetrics } from '../../src/server/metrics.js'
import { openStore } from '../../src/store/open-store.js'
import type { StateStore } from '../../src/store/state-store.js'
import { changeEvent } from '../support/om-events.js'
import { postSignedWebhook } from '../support/signed-webhook.js'

/**
 * Bodies that used to poison the server: a NUL or lone surrogate reached the embedded store and
 * every later read of runs answered 500; a 10,000-deep body overflowed the stack (500). Each is
 * now a coded answer for that body alone, and the server keeps answering.
 */
let dir: string
let store: StateStore
let config: RevmetaConfig
let app: FastifyInstance

const secret = 'whs3cret'
const post = (body: string | Buffer) =>
  postSignedWebhook(app, body, secret)

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-hook-poison-'))
  config = await resolveConfig(
    { catalog: { webhookSecret: secret }, server: { host: '127.0.0.1' }, services: [{ name: 'wh', type: 'duckdb', connection: { path: ':memory:' } }] },
    { source: 'test', baseDir: dir, env: {} },
  )
  store = await openStore(config.store)
  app = await buildApp({ config, store, metrics: new ServerMetrics() })
})

afterAll(async () => {
  await app?.close()
  await store?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('webhook bodies that used to poison the server', () => {
  it('queues NUL and lone-surrogate values into the embedded store, and runs still read afterwards', async () => {
    for (const [i, text] of ['nul \u0000 here', 'lone \uD800 high', 'lone \uDC00 low'].entries()) {
      const body = JSON.stringify(changeEvent('table', 'wh.memory.main.t', { updated: [{ name: `columns.c${i}.description`, oldValue: '', newValue: text }] }))
      const response = await post(body)
      expect(response.statusCode).toBe(200)
      expect(response.json().operations).toBe(1)
    }
    const queued = await store.operations({})
    expect(queued.map((o) => (o.op as { description: string }).description)).toEqual(['nul \u0000 here', 'lone \uD800 high', 'lone \uDC00 low'])
    expect((await store.listRuns(10)).length).toBeGreaterThan(0)
  })

  it('answers 400 with a coded error for a body nested 10,000 deep, or not UTF-8', async () => {
    const deep = JSON.stringify(changeEvent('table', 'wh.memory.main.t', { updated: [{ name: 'description', oldValue: '', newValue: 'x' }] })).replace(/}$/, `,"junk":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)
    const tooDeep = await post(deep)
    expect(tooDeep.statusCode).toBe(400)
    expect(tooDeep.json().error.code).toBe('INPUT_TOO_DEEP')
    const latin1 = Buffer.from(JSON.stringify(changeEvent('table', 'wh.memory.main.t', { updated: [{ name: 'description', oldValue: '', newValue: 'café' }] })), 'latin1')
    const notUtf8 = await post(latin1)
    expect(notUtf8.statusCode).toBe(400)
    expect(notUtf8.json().error.code).toBe('INPUT_NOT_UTF8')
    expect(await store.operations({})).toHaveLength(3)
  })
})
