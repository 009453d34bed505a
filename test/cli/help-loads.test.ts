import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin } from '../support/run-cli.js'

/**
 * What a help or a usage error loads, recorded by test/support/record-loads.mjs in the built CLI
 * (`npm run build` first): commander and the light declarations only, never an action, a driver,
 * fastify, zod or the store. Which code loads is what makes `revmeta --help` fast, and unlike a
 * timing it does not depend on how busy the machine is.
 */
const root = path.resolve(import.meta.dirname, '../..')
const hook = path.join(root, 'test/support/record-loads.mjs')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-loads-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the CLI with the recording hook; returns the loaded files relative to the repository. */
async function loadsOf(...args: string[]): Promise<{ code: number; files: string[] }> {
  const file = path.join(dir, `${args.join('_').replace(/[^a-z0-9_-]/gi, '')}.txt`)
  const env = { ...process.env, REVMETA_RECORD_LOADS: file }
  const code = await promisify(execFile)(process.execPath, ['--import', hook, bin, ...args], { env }).then(
    () => 0,
    (err: { code: number }) => err.code,
  )
  const urls = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
  const files = [...new Set(urls.map((u) => path.relative(root, new URL(u).pathname)))].sort()
  return { code, files }
}

const packagesOf = (files: readonly string[]) =>
  [...new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/').slice(1, f.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')))].sort()

/** The declarations of the program: what every invocation may load before an action runs. */
const light = /^(bin\/revmeta\.js|dist\/cli\/(main|exit-codes|log-level-option|selected-services|commands\/[a-z-]+)\.js|dist\/errors\/(codes|revmeta-error)\.js|dist\/model\/(log-levels|api-roles)\.js)$/

describe('what a help loads', () => {
  for (const args of [['--help'], ['runs', '--help'], ['apply', '--help'], ['serve', '--help'], ['token', 'create', '--help'], ['sync', '--help'], ['apply']]) {
    it(`revmeta ${args.join(' ')}: commander and the declarations, nothing else`, async () => {
      const { code, files } = await loadsOf(...args)
      expect(code).toBe(args.includes('--help') ? 0 : 2)
      expect(packagesOf(files)).toEqual(['commander'])
      expect(files.filter((f) => !f.startsWith('node_modules/') && !light.test(f))).toEqual([])
      // Every command's declaration is there: the recording itself works.
      expect(files.filter((f) => f.startsWith('dist/cli/commands/')).length).toBe(14)
    })
  }

  it('running a command loads its action, and only what that action needs', async () => {
    const { code, files } = await loadsOf('runs', '--config', path.join(dir, 'missing.yaml'))
    expect(code).toBe(2)
    expect(files).toContain('dist/cli/actions/runs.js')
    expect(files.filter((f) => f.startsWith('dist/cli/actions/') && f !== 'dist/cli/actions/runs.js')).toEqual([])
    const packages = packagesOf(files)
    // It reads its config's store section (yaml), and needs no schema library for it.
    expect(packages).toContain('yaml')
    for (const heavy of ['zod', 'fastify', 'pg', 'mysql2', 'mssql', 'oracledb', 'snowflake-sdk', '@google-cloud/bigquery', '@aws-sdk/client-glue', 'marked']) expect(packages).not.toContain(heavy)
  })
})
