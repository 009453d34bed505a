import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open-store.js'
import { sqliteFileName } from '../../src/store/sqlite-runner.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { createTempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'

/**
 * `revmeta runs` as a user runs it (the built CLI: `npm run build` first) on the embedded store:
 * it reads only the store section of the config, and lists runs while another process holds the
 * store's write lock, without waiting for it (no STORE_LOCKED, no busy wait).
 */
const root = path.resolve(import.meta.dirname, '../..')
const hook = path.join(root, 'test/support/record-loads.mjs')
let dir: string
let config: string
let finishedRun: number

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-runs-cli-'))
  config = path.join(dir, 'revmeta.yaml')
  // A service whose secret is not set in this shell: listing runs does not need it.
  await writeFile(
    config,
    'store: { dir: ./store }\nservices:\n  - name: wh\n    type: postgres\n    connection: { host: 127.0.0.1, database: shop, user: postgres, password: "${RUNS_TEST_UNSET_SECRET}" }\n',
  )
  const store = (await openStore({ dir: path.join(dir, 'store') })) as SqlStateStore
  try {
    const counts = { pending: 0, running: 0, applied: 2, unchanged: 0, unsupported: 0, skipped: 0, superseded: 0, dead: 1, total: 3, verified: 2 }
    const [row] = await store.sqlRunner.query<{ id: number }>(`INSERT INTO main.runs (mode, finished_at, counts) VALUES ('apply', $1, $2) RETURNING id`, [new Date(), JSON.stringify(counts)])
    finishedRun = Number(row!.id)
  } finally {
    await store.close()
  }
}, 60_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A process that opens the store file, takes its write lock (BEGIN IMMEDIATE), writes a run and holds the transaction open until told. */
async function holdWriteLock(file: string): Promise<ChildProcess> {
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3')
  const code = `
    const Database = require(${JSON.stringify(betterSqlite)})
    const db = new Database(${JSON.stringify(file)})
    db.exec('BEGIN IMMEDIATE')
    db.prepare("INSERT INTO runs (mode, note) VALUES ('sync', 'uncommitted')").run()
    process.stdout.write('held\\n')
    process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0) })`
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)))
  })
  return child
}

describe('revmeta runs', () => {
  it('lists runs with their stamped counts, as a table and as JSON', async () => {
    const json = await revmeta('runs', '--config', config, '--json')
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    const { runs } = JSON.parse(json.stdout) as { runs: { id: number; mode: string; counts: Record<string, number>; finishedAt?: string }[] }
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ id: finishedRun, mode: 'apply', counts: { applied: 2, dead: 1, total: 3, verified: 2 } })
    expect(runs[0]!.finishedAt).toEqual(expect.any(String))
    const table = await revmeta('runs', '--config', config)
    expect(table.code).toBe(0)
    expect(table.stdout).toContain('2 applied, 1 dead, 3 total, 2 verified')
  })

  it('refuses a --limit that is not a whole number above 0 as a usage error', async () => {
    for (const limit of ['abc', '0', '-3', '2.5']) {
      const result = await revmeta('runs', '--config', config, '--limit', limit)
      expect(result.code, limit).toBe(2)
      expect(result.stderr).toContain('CONFIG_INVALID')
    }
  })

  it('answers while another process holds the store write lock, without waiting for it', async () => {
    const holder = await holdWriteLock(path.join(dir, 'store', sqliteFileName))
    try {
      const started = Date.now()
      const result = await revmeta('runs', '--config', config, '--json')
      const took = Date.now() - started
      expect(result.stderr).not.toContain('STORE_LOCKED')
      expect(result.code).toBe(0)
      // The holder's run is not committed: a reader sees the store as it was.
      expect((JSON.parse(result.stdout) as { runs: { id: number }[] }).runs.map((r) => r.id)).toEqual([finishedRun])
      // Well below the 15 s a writer would wait for the lock before giving up.
      expect(took).toBeLessThan(10_000)
      expect(holder.exitCode).toBeNull()
    } finally {
      holder.stdin!.end('release\n')
      await new Promise((resolve) => holder.once('exit', resolve))
    }
  }, 60_000)

  it('loads no connector, channel, template or server code, no schema library, and no driver but SQLite', async () => {
    const file = path.join(dir, 'loads.txt')
    const child = spawn(process.execPath, ['--import', hook, path.join(root, 'bin/revmeta.js'), 'runs', '--config', config], {
      env: { ...process.env, REVMETA_RECORD_LOADS: file },
      stdio: 'ignore',
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    const files = [...new Set((await readFile(file, 'utf8')).split('\n').filter(Boolean).map((u) => path.relative(root, new URL(u).pathname)))]
    expect(files).toContain('dist/cli/actions/runs.js')
    expect(files.filter((f) => /^dist\/(connectors|channels|templates|server|catalog|execution|engine|inputs)\//.test(f))).toEqual([])
    expect(files.filter((f) => f.startsWith('dist/config/')).sort()).toEqual(
      ['dist/config/interpolate-env.js', 'dist/config/load-store-config.js', 'dist/config/read-config-file.js', 'dist/config/store-schema.js'],
    )
    const packages = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]))
    for (const heavy of ['zod', 'pg', 'fastify', 'mysql2', 'mssql', 'oracledb', 'snowflake-sdk', '@electric-sql', 'marked']) expect(packages.has(heavy)).toBe(false)
    expect(packages.has('better-sqlite3')).toBe(true)
  }, 60_000)

  it('lists the runs of a PostgreSQL store the same way, live counts for a run still going', async () => {
    const db = await createTempDatabase('rm_runs_cli')
    try {
      const url = `postgres://postgres@127.0.0.1:5432/${db.name}`
      const pgConfig = path.join(dir, 'pg.yaml')
      await writeFile(pgConfig, `store: { url: "${url}", schema: runs_cli }\nservices:\n  - name: wh\n    type: postgres\n    connection: { host: 127.0.0.1, database: shop, user: postgres }\n`)
      const store = (await openStore({ url, schema: 'runs_cli' })) as SqlStateStore
      let going: number
      try {
        const [row] = await store.sqlRunner.query<{ id: string }>(`INSERT INTO runs_cli.runs (mode) VALUES ('webhook') RETURNING id`)
        going = Number(row!.id)
        await store.sqlRunner.query(
          `INSERT INTO runs_cli.operations (run_id, key, service, seq, payload, status, report) VALUES ($1, 'docs|wh.a.b.c|description', 'wh', 1, '{}', 'applied', '{"verified":true}')`,
          [going],
        )
      } finally {
        await store.close()
      }
      const result = await revmeta('runs', '--config', pgConfig, '--json')
      expect(result.code).toBe(0)
      const { runs } = JSON.parse(result.stdout) as { runs: { id: number; finishedAt?: string; counts: Record<string, number> }[] }
      expect(runs).toHaveLength(1)
      expect(runs[0]!.id).toBe(going)
      expect(runs[0]!.finishedAt).toBeUndefined()
      expect(runs[0]!.counts).toMatchObject({ applied: 1, total: 1, verified: 1, dead: 0 })
    } finally {
      await db.drop()
    }
  }, 60_000)
})
