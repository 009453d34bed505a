import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempDatabase, serverUrl, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'
import { startServe, stopServe } from '../support/serve-process.js'

/**
 * `revmeta token create|list|revoke` as a user runs them (bin/revmeta.js, so `npm run build`
 * first), against a PostgreSQL store shared with a running `revmeta serve`: a revoke takes effect
 * on the server's next request.
 */
let db: TempDatabase
let dir: string
let configFile: string
let serve: ChildProcess | undefined
let base: string

const yaml = (server: string) => `catalog: { type: builtin }
server: ${server}
store: { url: "postgres://${serverUrl.user}@${serverUrl.host}:${serverUrl.port}/${db.name}" }
services:
  - { name: pg, type: postgres, connection: { database: ${db.name} } }
`

async function startServeProcess(): Promise<string> {
  const started = startServe(['--config', configFile])
  serve = started.child
  return started.address
}

beforeAll(async () => {
  db = await createTempDatabase('rm_tokens')
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-tokens-'))
  configFile = path.join(dir, 'revmeta.yaml')
  await writeFile(configFile, yaml('{ host: 127.0.0.1, port: 0 }'))
})

afterAll(async () => {
  await stopServe(serve)
  await db?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('revmeta token', () => {
  let admin: { id: number; name: string; token: string }
  let viewer: { id: number; name: string; token: string }

  it('creates tokens, printing each once; a taken name or an unknown role is a usage error', async () => {
    const made = await revmeta('token', 'create', '--config', configFile, '--role', 'admin', '--name', 'ops', '--json')
    expect(made.code).toBe(0)
    admin = JSON.parse(made.stdout)
    expect(admin).toMatchObject({ id: expect.any(Number), name: 'ops', role: 'admin', revokedAt: null })
    expect(admin.token).toMatch(/^rvm_[\w-]{43}$/)
    const plain = await revmeta('token', 'create', '--config', configFile, '--role', 'viewer')
    expect(plain.code).toBe(0)
    expect(plain.stdout.trim()).toMatch(/^rvm_[\w-]{43}$/)
    expect(plain.stderr).toMatch(/token \d+ \(viewer-[0-9a-f]{8}, viewer\) created/)
    viewer = { ...JSON.parse((await revmeta('token', 'list', '--config', configFile, '--json')).stdout).tokens[1], token: plain.stdout.trim() }
    const taken = await revmeta('token', 'create', '--config', configFile, '--role', 'viewer', '--name', 'ops')
    expect(taken.code).toBe(2)
    expect(taken.stderr).toContain('TOKEN_NAME_TAKEN')
    expect((await revmeta('token', 'create', '--config', configFile, '--role', 'root')).code).toBe(2)
  })

  it('lists tokens without the tokens or their hashes', async () => {
    const listed = await revmeta('token', 'list', '--config', configFile, '--json')
    expect(listed.code).toBe(0)
    const { tokens } = JSON.parse(listed.stdout) as { tokens: Record<string, unknown>[] }
    expect(tokens.map((t) => [t.name, t.role])).toEqual([['ops', 'admin'], [viewer.name, 'viewer']])
    expect(Object.keys(tokens[0]!).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role'])
    expect(listed.stdout).not.toContain(admin.token)
    expect(listed.stdout).not.toContain(viewer.token.slice(4))
    const table = await revmeta('token', 'list', '--config', configFile)
    expect(table.stdout).toContain('ops')
    expect(table.stdout).not.toContain(admin.token)
  })

  it('a running serve refuses a token from the request after its revoke', async () => {
    base = await startServeProcess()
    const runs = () => fetch(`${base}/api/v1/revmeta/runs`, { headers: { authorization: `Bearer ${viewer.token}` } })
    expect((await fetch(`${base}/api/v1/revmeta/runs`)).status).toBe(401)
    expect((await runs()).status).toBe(200)
    const revoked = await revmeta('token', 'revoke', '--config', configFile, viewer.name)
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toContain('revoked')
    const refused = await runs()
    expect(refused.status).toBe(401)
    expect(await refused.text()).not.toContain(viewer.token)
    // By id too; again is harmless; unknown is a usage error.
    expect((await revmeta('token', 'revoke', '--config', configFile, String(admin.id))).code).toBe(0)
    expect((await fetch(`${base}/api/v1/revmeta/runs`, { headers: { authorization: `Bearer ${admin.token}` } })).status).toBe(401)
    const again = await revmeta('token', 'revoke', '--config', configFile, 'ops')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already revoked')
    const unknown = await revmeta('token', 'revoke', '--config', configFile, 'nobody')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('TOKEN_NOT_FOUND')
    const listed = JSON.parse((await revmeta('token', 'list', '--config', configFile, '--json')).stdout) as { tokens: { name: string; lastUsedAt: string | null; revokedAt: string | null }[] }
    expect(listed.tokens.find((t) => t.name === viewer.name)).toMatchObject({ lastUsedAt: expect.any(String), revokedAt: expect.any(String) })
  })

  it('refuses to serve with auth: none on a wildcard address (exit 2, CONFIG_INVALID)', async () => {
    const open = path.join(dir, 'open.yaml')
    await writeFile(open, yaml('{ host: 0.0.0.0, port: 0, auth: none }'))
    const refused = await revmeta('serve', '--config', open)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('CONFIG_INVALID')
    expect(refused.stderr).toContain('server.auth')
  })
})
