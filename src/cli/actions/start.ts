import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { loadCatalogBackend } from '../../catalogs/registry.js'
import { resolveConfig } from '../../config/load-config.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { openStore } from '../../store/open-store.js'
import { SessionStore } from '../../store/session-store.js'
import type { StateStore } from '../../store/state-store.js'
import type { LogLevel } from '../cli-logger.js'
import { runServer, stopSignal } from './serve.js'

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/demo')
const linkTtlMs = 15 * 60_000

/** The one-time link of a newcomer: an admin session for the embedded demo, good once for 15 minutes. */
const newcomerLink = async (store: StateStore, address: string) => `${address}/sign-in/${await SessionStore.of(store).createLink({ name: 'newcomer', role: 'admin' }, linkTtlMs)}`

/**
 * Proves the app answers as a newcomer would use it: without a session / is the sign-in page, the
 * sign-in link makes a session, with it the app is served and the session reads the services.
 * Throws INTERNAL naming the step that failed.
 */
async function proveAppAnswers(address: string, store: StateStore): Promise<void> {
  const fail = (step: string) => new RevmetaError('INTERNAL', `revmeta start: the app did not answer as it should: ${step}`)
  const signIn = await fetch(await newcomerLink(store, address), { redirect: 'manual' })
  const cookie = signIn.headers.get('set-cookie')?.split(';')[0]
  if (signIn.status !== 302 || !cookie) throw fail(`the sign-in link answered ${signIn.status}`)
  // Without the session, / is the 401 sign-in page; with it, the app.
  const anonymous = await fetch(`${address}/`)
  if (anonymous.status !== 401 || !(await anonymous.text()).includes('id="sign-in"')) throw fail(`/ without a session answered ${anonymous.status} without the sign-in page`)
  const page = await fetch(`${address}/`, { headers: { cookie } })
  if (page.status !== 200 || !(await page.text()).includes('<div id="root">')) throw fail(`/ answered ${page.status} without the app (run npm run build)`)
  const services = await fetch(`${address}/api/v1/revmeta/services`, { headers: { cookie } })
  if (services.status !== 200) throw fail(`the session could not read the services (${services.status})`)
  const again = await fetch(await newcomerLink(store, address), { redirect: 'manual' })
  if (again.status !== 302) throw fail('a second link did not sign in')
}

/**
 * `npm start`: the embedded demo (PGlite seeded with shop.sql), the built-in catalog filled from it,
 * `serve` on it, and the address with a one-time sign-in link. Off a terminal (CI, piped stdin) it
 * proves the app answers, says so and exits 0; on a terminal it serves until Ctrl-C.
 */
export async function start(flags: { dir: string; port?: string; logLevel?: LogLevel }): Promise<number> {
  const interactive = process.stdin.isTTY === true && !process.env.CI
  // Off a terminal any free port, so a check on a busy machine does not collide.
  const port = flags.port !== undefined ? Number(flags.port) : interactive ? 8787 : 0
  const dataDir = path.resolve(flags.dir)
  await rm(dataDir, { recursive: true, force: true })
  const tree = parseYaml(await readFile(path.join(examples, 'revmeta.yaml'), 'utf8')) as Record<string, unknown>
  const config = await resolveConfig(
    { ...tree, catalog: { type: 'builtin' }, store: { dir: path.join(dataDir, 'store') }, server: { host: '127.0.0.1', port }, log: { level: flags.logLevel ?? 'warn' } },
    { source: 'examples/demo/revmeta.yaml', baseDir: examples, env: { ...process.env, REVMETA_DEMO_DIR: path.join(dataDir, 'pglite') } },
  )
  const say = (line: string) => process.stdout.write(`${line}\n`)
  say(`revmeta start: the demo shop (embedded PGlite under ${path.relative(process.cwd(), dataDir) || '.'}), the built-in catalog filled from it, and revmeta serve`)
  const store = await openStore(config.store)
  try {
    const backend = await loadCatalogBackend('builtin')
    const summaries = await backend.ingest!(config, store, { services: config.services.map((s) => s.name), log: () => {} })
    for (const s of summaries) if (s.error) throw new RevmetaError('INTERNAL', `revmeta start: filling the catalog from ${s.service} failed: ${s.error.message}`)
  } finally {
    await store.close()
  }
  return runServer(config, {
    untilStopped: async (address, running) => {
      if (!interactive) {
        await proveAppAnswers(address, running)
        say(`revmeta start: the app answers at ${address}/ (sign-in link, page and API checked). Not on a terminal (CI or piped input), so it stops here; run npm start in a terminal to keep it serving.`)
        return
      }
      say(`\n  The revmeta app: ${address}/\n  Sign in once with: ${await newcomerLink(running, address)}\n  (an admin session; the link works once, for 15 minutes). Ctrl-C stops.\n`)
      await stopSignal()
    },
    ...(flags.logLevel ? { logLevel: flags.logLevel } : { logLevel: 'warn' }),
  })
}

