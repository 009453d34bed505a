import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { main } from '../../src/cli/main.js'
import { loadConfig } from '../../src/config/load-config.js'
import { openStore } from '../../src/store/open-store.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'

let db: TempDatabase
let dir: string
let configFile: string

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true))
  try {
    return { code: await main(['node', 'revmeta', ...args]), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

beforeAll(async () => {
  db = await createTempDatabase('rm_ingcli')
  await db.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.orders (id int); COMMENT ON TABLE sales.orders IS 'Orders'`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-ingest-cli-'))
  configFile = path.join(dir, 'revmeta.yaml')
  await writeFile(configFile, `services:\n  - name: warehouse\n    type: postgres\n    connection: { database: ${db.name} }\n`)
})

afterAll(async () => {
  await db?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('revmeta ingest', () => {
  it('prints a summary per service and exits 0', async () => {
    const { code, stdout } = await cli('ingest', '--config', configFile)
    expect(code).toBe(0)
    expect(stdout).toContain('service warehouse: 1 database(s), 2 schema(s), 1 table(s) and view(s), 1 column(s)')
    expect(stdout).toMatch(/created 4, updated 0, unchanged 0, restored 0, marked deleted 0/)
    expect(stdout).toMatch(/engine owners with no catalog user or team \(left without owners\): .*postgres/)
  })

  it('--json, --service; a second run changes nothing', async () => {
    const { code, stdout } = await cli('ingest', '--config', configFile, '--service', 'warehouse', '--json')
    expect(code).toBe(0)
    const { services } = JSON.parse(stdout) as { services: { service: string; entities: { table: Record<string, number> } }[] }
    expect(services).toHaveLength(1)
    expect(services[0]!.entities.table).toEqual({ created: 0, updated: 0, unchanged: 1, deleted: 0, restored: 0 })
  })

  it('refuses an unknown service as a usage error', async () => {
    const { code, stderr } = await cli('ingest', '--config', configFile, '--service', 'nope')
    expect(code).toBe(2)
    expect(stderr).toContain('--service nope: no such service; configured: warehouse')
  })

  it('delivers only to subscriptions on the allowlist (a stored one off it gets nothing)', async () => {
    const received: Record<string, number> = { allowed: 0, other: 0 }
    const listen = (name: string) =>
      new Promise<Server>((resolve) => {
        const server = createServer((request, response) => {
          request.resume()
          request.on('end', () => {
            received[name] = (received[name] ?? 0) + 1
            response.end('ok')
          })
        })
        server.listen(0, '127.0.0.1', () => resolve(server))
      })
    const allowed = await listen('allowed')
    const other = await listen('other')
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`
    try {
      const allowFile = path.join(dir, 'allow.yaml')
      await writeFile(allowFile, `catalog: { subscriptions: { allow: ["${url(allowed)}"] } }\nservices:\n  - name: warehouse\n    type: postgres\n    connection: { database: ${db.name} }\nstore: { dir: ${JSON.stringify(path.join(dir, '.revmeta/store'))} }\n`)
      const store = await openStore((await loadConfig(allowFile)).store)
      try {
        const catalog = openCatalog(store, { delivery: false })
        // Stored directly, as one made before the allowlist existed would be.
        await catalog.subscriptions.upsert({ name: 'allowed', endpoint: url(allowed) })
        await catalog.subscriptions.upsert({ name: 'other', endpoint: url(other) })
        await catalog.close()
      } finally {
        await store.close()
      }
      await db.client.query(`CREATE TABLE sales.returns (id int)`)
      const { code, stderr } = await cli('ingest', '--config', allowFile)
      expect(code).toBe(0)
      expect(received.allowed).toBeGreaterThan(0)
      expect(received.other).toBe(0)
      expect(stderr).toContain('subscription other is skipped: its endpoint is not on catalog.subscriptions.allow')
    } finally {
      allowed.close()
      other.close()
    }
  })
})
