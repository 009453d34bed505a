import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceCheck } from '../../src/check/check-service.js'
import { createTempDatabase, serverUrl, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * `revmeta check` on the live PostgreSQL server, through the built command (run `npm run build`
 * first): a role that owns nothing gets exit 1 and the exact GRANT lines; once they are run, exit
 * 0; the superuser exit 0 at once; a wrong password exit 1, coded, without the password.
 */
let db: TempDatabase
let dir: string
let checker: string

async function configFile(name: string, connection: Record<string, unknown>, sync = 'descriptions: true, tags: true, owners: true', levels?: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`)
  const filter = levels ? `, filter: { levels: [${levels}] }` : ''
  await writeFile(
    file,
    `services:\n  - name: warehouse\n    type: postgres\n    connection: ${JSON.stringify({ ...serverUrl, database: db.name, ...connection })}\nchannels:\n  - { name: all, sync: { ${sync} }${filter} }\n`,
  )
  return file
}

async function check(file: string, ...extra: string[]): Promise<{ code: number; out: { ok: boolean; services: ServiceCheck[] }; stderr: string }> {
  const result = await revmeta('check', '--config', file, '--json', ...extra)
  if (result.stdout.trim() === '') throw new Error(`revmeta check printed nothing (exit ${result.code}): ${result.stderr}`)
  return { code: result.code, out: JSON.parse(result.stdout), stderr: result.stderr }
}

beforeAll(async () => {
  db = await createTempDatabase('revmeta_check', ['checker', 'steward'])
  checker = `${db.tag}_checker`
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-check-'))
  await db.client.query(`ALTER ROLE ${checker} LOGIN PASSWORD 'pw-${db.tag}'`)
  await db.client.query(`CREATE SCHEMA sales AUTHORIZATION ${db.tag}_steward`)
  await db.client.query(`CREATE TABLE sales.orders (id int)`)
  await db.client.query(`ALTER TABLE sales.orders OWNER TO ${db.tag}_steward`)
  await db.client.query(`CREATE TABLE sales."odd ""name"" t" (id int)`)
  await db.client.query(`ALTER TABLE sales."odd ""name"" t" OWNER TO ${checker}`)
})

afterAll(async () => {
  await db?.drop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('revmeta check on PostgreSQL', () => {
  it('a superuser holds everything: exit 0, the server version, SUPERUSER at every level', async () => {
    const { code, out } = await check(await configFile('super', {}))
    expect(code).toBe(0)
    const [service] = out.services
    expect(service).toMatchObject({ service: 'warehouse', engine: 'postgres', ok: true, connected: true })
    expect(service!.version).toMatch(/^\d+\.\d+/)
    expect(service!.findings.map((f) => `${f.kind}/${f.level}/${f.privilege}/${f.held}`)).toEqual([
      'description/database/SUPERUSER/true',
      'description/schema/SUPERUSER/true',
      'description/table/SUPERUSER/true',
      'description/column/SUPERUSER/true',
      'owners/database/SUPERUSER/true',
      'owners/schema/SUPERUSER/true',
      'owners/table/SUPERUSER/true',
    ])
  })

  it('a role without privileges: exit 1, each missing object named, and the exact grants printed', async () => {
    const file = await configFile('plain', { user: checker, password: `pw-${db.tag}` }, 'descriptions: true, tags: false, owners: false', 'table, column')
    const { code, out } = await check(file)
    expect(code).toBe(1)
    const [service] = out.services
    expect(service).toMatchObject({ ok: false, connected: true })
    const missing = service!.findings.filter((f) => !f.held)
    expect(missing.map((f) => `${f.level} ${f.object} ${f.grant}`)).toEqual([
      `table sales.orders GRANT "${db.tag}_steward" TO "${checker}";`,
      `column sales.orders GRANT "${db.tag}_steward" TO "${checker}";`,
    ])
    // The table it owns itself is held, summed up in one line per level.
    expect(service!.findings.filter((f) => f.held).map((f) => `${f.level} ${f.object} ${f.privilege}`)).toEqual(['table * (1 table) ownership', 'column * (1 table (for its columns)) ownership'])
    const human = await revmeta('check', '--config', file)
    expect(human.code).toBe(1)
    expect(human.stdout).toContain(`✗ description table    sales.orders: ownership (owner "${db.tag}_steward")`)
    expect(human.stdout.split('\n').filter((l) => l.trim().startsWith('GRANT'))).toEqual([`    GRANT "${db.tag}_steward" TO "${checker}";`])
  })

  it('owners also need CREATE where the object lives: the grants say so per level', async () => {
    const { code, out } = await check(await configFile('owners', { user: checker, password: `pw-${db.tag}` }, 'descriptions: false, tags: false, owners: true'))
    expect(code).toBe(1)
    const grants = new Set(out.services[0]!.findings.flatMap((f) => (f.grant ? [f.grant] : [])))
    expect([...grants].sort()).toEqual(
      [
        `ALTER ROLE "${checker}" CREATEDB;`,
        `GRANT "postgres" TO "${checker}";`,
        `GRANT "${db.tag}_steward" TO "${checker}";`,
        `GRANT CREATE ON DATABASE "${db.name}" TO "${checker}";`,
        `GRANT CREATE ON SCHEMA "sales" TO "${checker}";`,
      ].sort(),
    )
  })

  it('once the printed grants are run, the same role gets exit 0', async () => {
    const file = await configFile('granted', { user: checker, password: `pw-${db.tag}` }, 'descriptions: true, tags: false, owners: false', 'table, column')
    const before = await check(file)
    for (const grant of new Set(before.out.services[0]!.findings.flatMap((f) => (f.grant ? [f.grant] : [])))) await db.client.query(grant)
    const after = await check(file)
    expect(after.code).toBe(0)
    expect(after.out.services[0]!.findings.every((f) => f.held)).toBe(true)
  })

  it('a server that is not there: exit 1, not connected, CONNECTION_FAILED without the password', async () => {
    const secret = `a-secret-${db.tag}`
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const { code, out, stderr } = await check(await configFile('down', { user: checker, password: secret, port: 1 }))
    expect(code).toBe(1)
    expect(out.services[0]).toMatchObject({ connected: false, ok: false, findings: [] })
    expect(out.services[0]!.error!.code).toBe('CONNECTION_FAILED')
    expect(JSON.stringify(out) + stderr).not.toContain(secret)
  })

  it('a database that does not exist: exit 1, DATABASE_UNREACHABLE naming it', async () => {
    const file = path.join(dir, 'nodb.yaml')
    await writeFile(file, `services:\n  - { name: warehouse, type: postgres, connection: ${JSON.stringify({ ...serverUrl, database: `${db.name}_gone` })} }\n`)
    const { code, out } = await check(file)
    expect(code).toBe(1)
    expect(out.services[0]!.error).toMatchObject({ code: 'DATABASE_UNREACHABLE', message: expect.stringContaining(`${db.name}_gone`) })
  })

  it('an unknown --service and a broken config are usage errors (exit 2), coded', async () => {
    const file = await configFile('usage', {})
    const unknown = await revmeta('check', '--config', file, '--service', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('CONFIG_INVALID: --service nope: no such service')
    const broken = path.join(dir, 'broken.yaml')
    await writeFile(broken, 'services: []\n')
    const bad = await revmeta('check', '--config', broken)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('CONFIG_INVALID')
  })
})
