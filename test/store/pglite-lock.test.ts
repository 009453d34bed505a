import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open-store.js'
import { describeOp } from './store-support.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const openStoreModule = fileURLToPath(new URL('../../src/store/open-store.ts', import.meta.url))

/** A second process that opens the store, writes, says "ready", then keeps writing until killed. */
function holder(dir: string): ChildProcess {
  const code = `
    const { openStore } = await import(${JSON.stringify(openStoreModule)})
    try {
      const store = await openStore({ dir: ${JSON.stringify(dir)} })
      await store.setCursor('child', String(process.pid))
      const run = await store.createRun('apply')
      console.log('ready')
      for (let i = 0; ; i++) await store.enqueue(run, [{ id: 'docs|w.s.t' + i + '|description', channel: 'docs', service: 'w', kind: 'description', description: 'x', origins: [], asset: { service: 'w', table: 't' + i, level: 'table' } }])
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

describe('the embedded store admits one process at a time', () => {
  let base: string
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'revmeta-lock-'))
  })
  afterAll(() => rm(base, { recursive: true, force: true }))

  it('refuses a second process while the first lives, and takes over after kill -9 with the data intact', async () => {
    const dir = path.join(base, 'nested', 'store')
    const child = holder(dir)
    try {
      expect(await firstLine(child)).toBe('ready')
      const lock = JSON.parse(await readFile(`${dir}.lock`, 'utf8'))
      expect(lock.pid).toBe(child.pid)
      const refused = openStore({ dir })
      await expect(refused).rejects.toMatchObject({ code: 'STORE_LOCKED', details: { pid: child.pid } })
      await expect(refused).rejects.toThrow(/in use by process/)
      await new Promise((resolve) => setTimeout(resolve, 300)) // let it be mid-write when killed
    } finally {
      child.kill('SIGKILL')
      await exited(child)
    }
    const store = await openStore({ dir })
    try {
      expect(await store.getCursor('child')).toBe(String(child.pid))
      const run = await store.createRun('apply')
      expect(await store.enqueue(run, [describeOp('after', 'crash')])).toEqual({ inserted: 1, coalesced: 0 })
      expect(JSON.parse(await readFile(`${dir}.lock`, 'utf8')).pid).toBe(process.pid)
      // while this process holds it, another process is refused
      const other = holder(dir)
      expect(await firstLine(other)).toBe('error STORE_LOCKED')
      await exited(other)
    } finally {
      await store.close()
    }
    expect(existsSync(`${dir}.lock`)).toBe(false)
  })

  it('refuses a second open in the same process, and frees the lock on close', async () => {
    const dir = path.join(base, 'same')
    const first = await openStore({ dir })
    await expect(openStore({ dir })).rejects.toMatchObject({ code: 'STORE_LOCKED' })
    await first.close()
    const again = await openStore({ dir })
    await again.close()
  })

  it('takes over a lock file left by a process that is gone, or left torn', async () => {
    const dir = path.join(base, 'stale')
    const gone = spawn(process.execPath, ['-e', ''])
    await exited(gone)
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: gone.pid, host: (await import('node:os')).hostname(), since: 'earlier' }))
    const store = await openStore({ dir })
    await store.close()
    await writeFile(`${dir}.lock`, '')
    const again = await openStore({ dir })
    await again.close()
  })
})
