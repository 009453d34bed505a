import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceCheck } from '../../src/check/check-service.js'
import { revmeta } from '../support/run-cli.js'

/**
 * `revmeta check` on DuckDB (in process, through the built command: `npm run build` first): no
 * grants exist, so what writing takes is a catalog opened read-write on a writable file.
 */
let dir: string

async function check(connection: Record<string, unknown>, channels = ''): Promise<{ code: number; out: { ok: boolean; services: ServiceCheck[] } }> {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`)
  await writeFile(file, `services:\n  - name: lake\n    type: duckdb\n    connection: ${JSON.stringify(connection)}\n${channels}`)
  const result = await revmeta('check', '--config', file, '--json')
  if (result.stdout.trim() === '') throw new Error(`revmeta check printed nothing (exit ${result.code}): ${result.stderr}`)
  return { code: result.code, out: JSON.parse(result.stdout) }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-check-duckdb-'))
  await writeFile(path.join(dir, 'seed.sql'), 'CREATE SCHEMA sales; CREATE TABLE sales.orders (id INTEGER);')
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('revmeta check on DuckDB', () => {
  it('a writable file: exit 0, the version, write access at table and column (the levels DuckDB comments on)', async () => {
    const file = path.join(dir, 'lake.duckdb')
    const { code, out } = await check({ path: file, initSql: path.join(dir, 'seed.sql') })
    expect(code).toBe(0)
    const [service] = out.services
    expect(service).toMatchObject({ ok: true, connected: true, engine: 'duckdb' })
    expect(service!.version).toMatch(/^v?\d+\.\d+/)
    expect(service!.findings.map((f) => `${f.level} ${f.object} ${f.privilege} ${f.held}`)).toEqual([`table lake write access to ${file} true`, `column lake write access to ${file} true`])
  })

  it('the same file opened readOnly: exit 1, and the fix says how to open it for writing', async () => {
    const { code, out } = await check({ path: path.join(dir, 'lake.duckdb'), readOnly: true })
    expect(code).toBe(1)
    const missing = out.services[0]!.findings.filter((f) => !f.held)
    expect(missing).toHaveLength(2)
    expect(missing[0]).toMatchObject({ privilege: 'catalog attached read-write', grant: 'open the service read-write: remove readOnly: true from its connection' })
  })

  it('a catalog attached read-only by initSql is named, with the DETACH/ATTACH that makes it writable', async () => {
    const other = path.join(dir, "other's.duckdb")
    await check({ path: other })
    const seed = path.join(dir, 'attach.sql')
    await writeFile(seed, `ATTACH '${other.replaceAll("'", "''")}' AS other (READ_ONLY);`)
    const { code, out } = await check({ initSql: seed })
    expect(code).toBe(1)
    const missing = out.services[0]!.findings.filter((f) => !f.held)
    expect(missing.map((f) => f.grant)).toContain(`DETACH "other"; ATTACH '${other.replaceAll("'", "''")}' AS "other";`)
    expect(out.services[0]!.findings.filter((f) => f.held && f.object === 'memory')).toHaveLength(2)
  })

  it('a channel that syncs nothing DuckDB can hold: nothing needed, exit 0', async () => {
    const { code, out } = await check({}, 'channels:\n  - { name: t, sync: { descriptions: false, tags: true, owners: true } }\n')
    expect(code).toBe(0)
    expect(out.services[0]).toMatchObject({ ok: true, connected: true, findings: [] })
  })
})
