import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { openSqliteRunner, sqliteFileName } from '../../src/store/sqlite-runner.js'

describe('the embedded store runner (SQLite)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'revmeta-sqlite-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('binds $n parameters, booleans, dates and nulls, and refuses arrays', async () => {
    const runner = await openSqliteRunner(path.join(dir, 'params'))
    try {
      const at = new Date('2026-01-02T03:04:05.678Z')
      const [row] = await runner.query<{ a: string; b: number; c: string; d: null; again: string }>('SELECT $1 AS a, $2 AS b, $3 AS c, $4 AS d, $1 AS again', ['x', true, at, undefined])
      expect(row).toEqual({ a: 'x', b: 1, c: '2026-01-02T03:04:05.678Z', d: null, again: 'x' })
      await expect(runner.query('SELECT $1 AS a', [[1, 2]])).rejects.toMatchObject({ code: 'INTERNAL' })
      const [now] = await runner.query<{ n: string }>('SELECT now() AS n')
      expect(now!.n).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    } finally {
      await runner.close()
    }
  })

  it('rolls a transaction back when it throws, and runs a query issued meanwhile after it', async () => {
    const runner = await openSqliteRunner(path.join(dir, 'tx'))
    try {
      await runner.exec('CREATE TABLE t (v integer)')
      const order: string[] = []
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      const tx = runner
        .transaction(async (t) => {
          await t.query('INSERT INTO t (v) VALUES ($1)', [1])
          order.push('tx wrote')
          await gate
          throw new Error('changed my mind')
        })
        .catch((error: Error) => error.message)
      const outside = runner.query<{ n: number }>('SELECT count(*) AS n FROM t').then((rows) => {
        order.push('outside read')
        return rows[0]!.n
      })
      await new Promise((resolve) => setTimeout(resolve, 20))
      release()
      expect(await tx).toBe('changed my mind')
      expect(await outside).toBe(0)
      expect(order).toEqual(['tx wrote', 'outside read'])
    } finally {
      await runner.close()
    }
  })

  it('waits for another process holding the write lock, without blocking its own event loop', async () => {
    const storeDir = path.join(dir, 'shared')
    const runner = await openSqliteRunner(storeDir)
    try {
      await runner.exec('CREATE TABLE t (v integer)')
      // Another process takes the write lock and keeps it for 600 ms.
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN IMMEDIATE; INSERT INTO t (v) VALUES (7)');
           process.stdout.write('held\\n'); setTimeout(() => { db.exec('COMMIT'); db.close()}, 600)`,
          path.join(storeDir, sqliteFileName),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      const exited = new Promise((resolve) => holder.once('exit', resolve))
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
      let ticks = 0
      const timer = setInterval(() => ticks++, 10)
      const started = Date.now()
      await runner.transaction(async (t) => {
        await t.query('INSERT INTO t (v) VALUES ($1)', [8])
      })
      clearInterval(timer)
      const waited = Date.now() - started
      expect(waited).toBeGreaterThan(300)
      // The event loop kept turning while the lock was elsewhere.
      expect(ticks).toBeGreaterThan(waited / 10 / 3)
      const rows = await runner.query<{ v: number }>('SELECT v FROM t ORDER BY v')
      expect(rows.map((r) => r.v)).toEqual([7, 8])
      await exited
    } finally {
      await runner.close()
    }
  })

  it('commits relaxed bookkeeping without waiting for the disk, and everything else with it', async () => {
    const runner = await openSqliteRunner(path.join(dir, 'relaxed'))
    try {
      const sync = () => runner.query<{ synchronous: number }>('PRAGMA synchronous').then((rows) => rows[0]!.synchronous)
      const during: number[] = []
      await runner.transaction(async (tx) => {
        during.push(Number((await tx.query<{ synchronous: number }>('PRAGMA synchronous'))[0]!.synchronous))
      }, { relaxed: true })
      await runner.transaction(async (tx) => {
        during.push(Number((await tx.query<{ synchronous: number }>('PRAGMA synchronous'))[0]!.synchronous))
      })
      // 1 = NORMAL, 2 = FULL
      expect(during).toEqual([1, 2])
      expect(Number(await sync())).toBe(2)
    } finally {
      await runner.close()
    }
  })

  it('says which file it could not open, with a code', async () => {
    const file = path.join(dir, 'a-file')
    await writeFile(file, 'not a directory')
    const error = await openSqliteRunner(path.join(file, 'store')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RevmetaError)
    expect((error as RevmetaError).code).toBe('DATABASE_UNREACHABLE')
    expect((error as RevmetaError).message).toContain('revmeta.sqlite')
  })
})
