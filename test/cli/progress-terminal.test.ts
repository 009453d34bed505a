import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin } from '../support/run-cli.js'

/**
 * The built CLI (`npm run build` first) under a pseudo-terminal made by util-linux `script`, as a
 * person runs it, and through pipes, as a program does. REVMETA_PROGRESS_DELAY_MS=0 draws the bar
 * at once, so what is asserted never depends on how long a step took.
 */
const root = path.resolve(import.meta.dirname, '../..')
const script = '/usr/bin/script'
let dir: string

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
const env = { ...process.env, REVMETA_PROGRESS_DELAY_MS: '0', TERM: 'xterm' }

/** Runs revmeta on a terminal; standard output and error arrive mixed, as on a screen. */
async function onTerminal(...args: string[]): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, bin, ...args].map(quote).join(' ')
  return promisify(execFile)(script, ['-qec', command, '/dev/null'], { cwd: dir, env, maxBuffer: 16 * 2 ** 20 }).then(
    ({ stdout }) => ({ code: 0, screen: stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, screen: err.stdout }),
  )
}

async function throughPipes(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [bin, ...args], { cwd: dir, env, maxBuffer: 16 * 2 ** 20 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  )
}

const bar = (command: string, phase: string) => new RegExp(`revmeta ${command}: ${phase} \\[[█░]+\\] (\\d+)/(\\d+) \\| [\\d,]+/s`, 'g')
/** The last count a bar showed, as [done, total]. */
const lastCount = (screen: string, command: string, phase: string) => [...screen.matchAll(bar(command, phase))].map((m) => [Number(m[1]), Number(m[2])]).at(-1)

beforeAll(async () => {
  if (!existsSync(script)) throw new Error(`${script} (util-linux) is needed to run revmeta under a pseudo-terminal; install util-linux`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-pty-'))
  await copyFile(path.join(root, 'examples/demo/shop.sql'), path.join(dir, 'shop.sql'))
  await copyFile(path.join(root, 'examples/demo/events.json'), path.join(dir, 'events.json'))
  await writeFile(
    path.join(dir, 'revmeta.yaml'),
    `services:\n  - name: shop\n    type: pglite\n    connection: { dataDir: db, initSql: shop.sql }\nchannels:\n  - name: docs\nstore: { dir: store }\n`,
  )
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('progress on a terminal', () => {
  it('apply draws a bar that ends at the number of operations, then prints the report', async () => {
    const { code, screen } = await onTerminal('apply', '--config', 'revmeta.yaml', '--events', 'events.json')
    expect(code).toBe(0)
    const summary = screen.match(/apply: \d+ input item\(s\), \d+ change\(s\), (\d+) operation\(s\)/)
    expect(summary).not.toBeNull()
    expect(lastCount(screen, 'apply', 'applying')).toEqual([Number(summary![1]), Number(summary![1])])
    expect(screen.indexOf('revmeta apply: applying')).toBeLessThan(screen.indexOf('apply: 11 input item(s)'))
  })

  it('apply --json on a terminal draws nothing: the output is the JSON object alone', async () => {
    const { code, screen } = await onTerminal('apply', '--config', 'revmeta.yaml', '--events', 'events.json', '--json')
    expect(code).toBe(0)
    expect(screen).not.toContain('revmeta apply:')
    expect(screen).not.toContain('\u001b[')
    expect(JSON.parse(screen).summary.total).toBe(10)
  })

  it('apply through pipes draws nothing on standard error', async () => {
    const { code, stdout, stderr } = await throughPipes('apply', '--config', 'revmeta.yaml', '--events', 'events.json')
    expect(code).toBe(0)
    expect(stdout).toContain('apply: 11 input item(s)')
    expect(stderr).not.toContain('revmeta apply:')
    expect(stderr).not.toContain('\u001b[')
  })

  it('apply --no-store counts the in-memory run', async () => {
    const { code, screen } = await onTerminal('apply', '--config', 'revmeta.yaml', '--events', 'events.json', '--no-store')
    expect(code).toBe(0)
    expect(lastCount(screen, 'apply', 'applying')).toEqual([10, 10])
  })

  it('ingest counts the entities it writes; sync --dry-run counts what it checks', async () => {
    const ingest = await onTerminal('ingest', '--config', 'revmeta.yaml')
    expect(ingest.code).toBe(0)
    const [done, total] = lastCount(ingest.screen, 'ingest', 'ingesting')!
    expect(done).toBe(total)
    expect(total).toBeGreaterThan(3)
    const sync = await onTerminal('sync', '--config', 'revmeta.yaml', '--dry-run')
    expect(sync.code).toBe(0)
    const [checked, planned] = lastCount(sync.screen, 'sync', 'checking')!
    expect(planned).toBeGreaterThan(0)
    expect(checked).toBe(planned)
  })
})
