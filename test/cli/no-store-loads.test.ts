import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin } from '../support/run-cli.js'

/**
 * What an in-memory run loads, recorded as help-loads.test.ts does (`npm run build` first): the
 * state store and the catalog backend (the built-in one is the whole catalog and store) load only
 * when a run needs them, which `plan` and `apply --no-store` without id-only owners never do.
 */
const root = path.resolve(import.meta.dirname, '../..')
const hook = path.join(root, 'test/support/record-loads.mjs')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-loads-'))
  await writeFile(path.join(dir, 'revmeta.yaml'), ['services:', '  - name: svc', '    type: postgres', '    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: nowhere }'].join('\n'))
  const event = {
    id: 'e1',
    eventType: 'entityUpdated',
    entityType: 'table',
    entityFullyQualifiedName: 'svc.nowhere.s.t',
    changeDescription: { fieldsUpdated: [{ name: 'description', oldValue: '', newValue: 'new' }] },
  }
  await writeFile(path.join(dir, 'events.json'), JSON.stringify([event]))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function loadsOf(...args: string[]): Promise<{ code: number; stdout: string; files: string[] }> {
  const file = path.join(dir, 'loads.txt')
  await rm(file, { force: true })
  const env = { ...process.env, REVMETA_RECORD_LOADS: file }
  const { code, stdout } = await promisify(execFile)(process.execPath, ['--import', hook, bin, ...args], { env }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  )
  const urls = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
  return { code, stdout, files: [...new Set(urls.map((u) => path.relative(root, new URL(u).pathname)))].sort() }
}

describe('what an in-memory run loads', () => {
  it('plan --offline loads neither the store nor the catalog, and still plans', async () => {
    const { code, stdout, files } = await loadsOf('plan', '--offline', '--config', path.join(dir, 'revmeta.yaml'), '--events', path.join(dir, 'events.json'), '--json')
    expect(code).toBe(0)
    expect(JSON.parse(stdout).operations.map((o: { status: string }) => o.status)).toEqual(['planned'])
    expect(files).toContain('dist/cli/actions/run-command.js')
    expect(files.filter((f) => /^dist\/(store|catalog|execution)\//.test(f) || f === 'dist/catalogs/builtin-backend.js' || f === 'dist/cli/with-store.js')).toEqual([])
  })
})
