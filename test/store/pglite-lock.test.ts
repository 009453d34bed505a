import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../src/store/migrate.js'
import { openPgliteRunner } from '../../src/store/pglite-runner.js'
import { upgradePgliteStore } from '../../src/store/pglite-upgrade.js'
import { sqliteFileName } from '../../src/store/sqlite-runner.js'

/**
 * The lock file now guards only an older revmeta's PGlite store, which must never be opened by two
 * processes at once: an older revmeta still running on it, and `revmeta store upgrade` copying it.
 * (The SQLite store takes no lock: test/store/shared-embedded-store.test.ts.)
 */
const repo = fileURLToPath(new URL('../../', import.meta.url))
const runnerModule = fileURLToPath(new URL('../../src/store/pglite-runner.ts', import.meta.url))

/** A second process that opens the PGlite store as an older revmeta did, writes, says "ready", then keeps writing until killed. */
function holder(dir: string): ChildProcess {
  const code = `
    const { openPgliteRunner } = await import(${JSON.stringify(runnerModule)})
    try {
      const runner = await openPgliteRunner(${JSON.stringify(dir)})
      await runner.query("INSERT INTO revmeta.cursors (name, value) VALUES ('child', $1)", [String(process.pid)])
      console.log('ready')
      for (let i = 0; ; i++) await runner.query("INSERT INTO revmeta.cursors (name, value) VALUES ('spin', $1) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [String(i)])
    } catch (error) {
      console.log('error ' + error.code)
      process.exit(3)
    }`
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] })
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before writing a line: ${err}`)))
  })
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))

let base: string

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'revmeta-lock-'))
})
afterAll(() => rm(base, { recursive: true, force: true }))

async function oldStore(name: string): Promise<string> {
  const dir = path.join(base, name, 'store')
  const runner = await openPgliteRunner(dir)
  try {
    await migrate(runner, 'revmeta', (await loadMigrations('postgres')).filter((m) => m.version <= 9))
  } finally {
    await runner.close()
  }
  return dir
}

describe('the lock file of an older revmeta PGlite store', () => {
  it('refuses the upgrade while an older revmeta holds the store, and takes over after kill -9 with the data intact', async () => {
    const dir = await oldStore('held')
    const child = holder(dir)
    try {
      expect(await firstLine(child)).toBe('ready')
      expect(JSON.parse(await readFile(`${dir}.lock`, 'utf8')).pid).toBe(child.pid)
      const refused = upgradePgliteStore(dir, 'revmeta')
      await expect(refused).rejects.toMatchObject({ code: 'STORE_LOCKED', details: { pid: child.pid } })
      await expect(refused).rejects.toThrow(/in use by process \d+ .*older revmeta/)
      expect(existsSync(path.join(dir, sqliteFileName))).toBe(false)
      await new Promise((resolve) => setTimeout(resolve, 300)) // let it be mid-write when killed
    } finally {
      child.kill('SIGKILL')
      await exited(child)
    }
    const result = await upgradePgliteStore(dir, 'revmeta')
    expect(result.outcome).toBe('copied')
    expect(result.rows.cursors).toBe(2) // 'child' and 'spin', written by the killed process
    expect(existsSync(`${dir}.lock`)).toBe(false)
  }, 60_000)

  it('admits one opener in a process, frees the lock on close, and takes over a stale or torn lock file', async () => {
    const dir = await oldStore('stale')
    const first = await openPgliteRunner(dir)
    await expect(openPgliteRunner(dir)).rejects.toMatchObject({ code: 'STORE_LOCKED' })
    await first.close()
    expect(existsSync(`${dir}.lock`)).toBe(false)

    const gone = spawn(process.execPath, ['-e', ''])
    await exited(gone)
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: gone.pid, host: hostname(), since: 'earlier' }))
    await (await openPgliteRunner(dir)).close()
    await writeFile(`${dir}.lock`, '')
    expect((await upgradePgliteStore(dir, 'revmeta')).outcome).toBe('copied')
  }, 60_000)
})
