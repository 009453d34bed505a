import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceCheck } from '../../src/check/check-service.js'
import { connectMysql, createTempMysqlDatabase, mysqlServer, type TempMysqlDatabase } from '../support/mysql-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * `revmeta check` on the live MariaDB server, through the built command (`npm run build` first):
 * a user that may only read the tables gets exit 1 and one GRANT ALTER per table; with ALTER on
 * the database, exit 0; a user that sees nothing is told so rather than passed.
 */
let db: TempMysqlDatabase
let root: mysql.Connection
let dir: string
const user = `rmchk_${randomBytes(3).toString('hex')}`
const password = `pw-${randomBytes(6).toString('hex')}`

async function check(): Promise<{ code: number; out: { ok: boolean; services: ServiceCheck[] }; stdout: string }> {
  const file = path.join(dir, 'config.yaml')
  await writeFile(
    file,
    `services:\n  - name: shop\n    type: mysql\n    connection: ${JSON.stringify({ ...mysqlServer, user, password })}\nchannels:\n  - { name: docs, sync: { descriptions: true } }\n`,
  )
  const json = await revmeta('check', '--config', file, '--json')
  if (json.stdout.trim() === '') throw new Error(`revmeta check printed nothing (exit ${json.code}): ${json.stderr}`)
  const human = await revmeta('check', '--config', file)
  expect(human.code).toBe(json.code)
  expect(json.stdout + json.stderr + human.stdout + human.stderr).not.toContain(password)
  return { code: json.code, out: JSON.parse(json.stdout), stdout: human.stdout }
}

beforeAll(async () => {
  db = await createTempMysqlDatabase('rmchk')
  root = await connectMysql()
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-check-mysql-'))
  await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`)
  await db.conn.query(`CREATE TABLE \`${db.name}\`.orders (id INT)`)
  await db.conn.query(`CREATE TABLE \`${db.name}\`.\`odd name\` (id INT)`)
})

afterAll(async () => {
  await root?.query(`DROP USER IF EXISTS '${user}'@'%'`)
  await root?.end()
  await db?.drop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('revmeta check on MariaDB', () => {
  it('a user with no privilege at all sees no database: exit 1, told so, not passed', async () => {
    const { code, out } = await check()
    expect(code).toBe(1)
    const [service] = out.services
    expect(service).toMatchObject({ connected: true, ok: false, engine: 'mysql' })
    expect(service!.version).toMatch(/MariaDB|^\d/)
    expect(service!.findings.every((f) => !f.held && f.grant === `GRANT ALTER ON *.* TO '${user}'@'%';`)).toBe(true)
  })

  it('a user that may read but not alter: exit 1 and one GRANT ALTER per object, with the names quoted', async () => {
    await root.query(`GRANT SELECT ON \`${db.name}\`.* TO '${user}'@'%'`)
    const { code, out, stdout } = await check()
    expect(code).toBe(1)
    const grants = new Set(out.services[0]!.findings.flatMap((f) => (f.grant ? [f.grant] : [])))
    expect(grants).toContain(`GRANT ALTER ON \`${db.name}\`.\`orders\` TO '${user}'@'%';`)
    expect(grants).toContain(`GRANT ALTER ON \`${db.name}\`.\`odd name\` TO '${user}'@'%';`)
    expect(out.services[0]!.findings.filter((f) => !f.held).map((f) => `${f.level} ${f.object}`)).toEqual(
      expect.arrayContaining([`table ${db.name}.orders`, `table ${db.name}.odd name`, `column ${db.name}.orders`]),
    )
    expect(stdout).toContain('to grant what is missing')
  })

  it('ALTER on one table covers that table only', async () => {
    await root.query(`GRANT ALTER ON \`${db.name}\`.orders TO '${user}'@'%'`)
    const { code, out } = await check()
    expect(code).toBe(1)
    const missing = out.services[0]!.findings.filter((f) => !f.held && f.level === 'table').map((f) => f.object)
    expect(missing).toEqual([`${db.name}.odd name`])
  })

  it('with ALTER on the database: exit 0, every table held', async () => {
    await root.query(`GRANT ALTER ON \`${db.name}\`.* TO '${user}'@'%'`)
    const { code, out } = await check()
    expect(code).toBe(0)
    const tables = out.services[0]!.findings.find((f) => f.level === 'table')
    expect(tables).toMatchObject({ held: true, object: '* (2 tables)', privilege: 'ALTER' })
  })
})
