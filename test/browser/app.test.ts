import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempDatabase, readDescription, serverUrl, type TempDatabase } from '../support/postgres-server.js'
import { revmeta } from '../support/run-cli.js'
import { startServe, stopServe } from '../support/serve-process.js'
import { until } from '../support/until.js'

/**
 * The web app in Debian's Chromium against `revmeta serve` (a child process, under the network
 * guard) over the local PostgreSQL: sign in, set up a channel, edit a column description in the
 * catalog and see it in the database and in Recent Runs with its statement, a failure (dropped
 * column) with its code and fix text replayed after the fix, a rollback. Every response the
 * browser sees is searched for the configured secrets; each page is saved as a screenshot.
 */
const chromiumPath = '/usr/bin/chromium'
const shots = path.resolve(import.meta.dirname, 'screenshots')
const webhookSecret = 'browser-webhook-secret-9f2c'
const dbPassword = 'browser-db-password-77aa'
let db: TempDatabase
let dir: string
let configFile: string
let guardLog: string
let serve: ChildProcess | undefined
let base: string
let browser: Browser
let page: Page
let adminToken: string
const seen: { url: string; body: string }[] = []
/** What Chromium reports refusing under a Content-Security-Policy: the sign-in page must need nothing its CSP forbids. */
const cspRefusals: string[] = []

const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true })
const nav = (title: string) => page.getByRole('navigation').getByRole('link', { name: title, exact: true }).click()
const fqn = (column?: string) => `pg.${db.name}.sales.orders${column ? `.${column}` : ''}`

async function openTable(): Promise<void> {
  await nav('Catalog')
  await page.getByRole('link', { name: 'pg', exact: true }).click()
  await page.getByRole('link', { name: db.name, exact: true }).click()
  await page.getByRole('link', { name: 'sales', exact: true }).click()
  await page.getByRole('link', { name: 'orders', exact: true }).click()
  await page.getByRole('heading', { name: 'Columns' }).waitFor()
}

/** Edits a column's description in the catalog page and waits for its result beside the field. */
async function editDescription(column: string, text: string, expected: RegExp): Promise<void> {
  await openTable()
  const field = page.locator(`.editable[data-fqn="${fqn(column)}"]`)
  await field.getByLabel(`description of ${fqn(column)}`).fill(text)
  await field.getByRole('button', { name: 'Save description' }).click()
  await field.locator('.result .status').filter({ hasText: expected }).waitFor({ timeout: 20_000 })
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`The browser tests need Debian's Chromium at ${chromiumPath}: npm test's pretest installs it (apt-get install -y chromium); install it by hand if that failed.`)
  }
  await mkdir(shots, { recursive: true })
  db = await createTempDatabase('rm_browser')
  await db.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.orders (id int, status text, note text); COMMENT ON COLUMN sales.orders.status IS 'from the source'`)
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-browser-'))
  guardLog = path.join(dir, 'network-guard.log')
  configFile = path.join(dir, 'revmeta.yaml')
  // Trust authentication ignores the password; it is here so the test can look for it in every response.
  await writeFile(
    configFile,
    `catalog: { type: builtin, webhookSecret: ${webhookSecret} }
server: { host: 127.0.0.1, port: 0 }
store: { url: "postgres://${serverUrl.user}@${serverUrl.host}:${serverUrl.port}/${db.name}" }
services:
  - { name: pg, type: postgres, connection: { host: 127.0.0.1, database: ${db.name}, password: ${dbPassword} } }
channels:
  - { name: docs, sync: { descriptions: true, tags: false, owners: false } }
`,
  )
  const ingested = await revmeta('ingest', '--config', configFile)
  expect(ingested.code, ingested.stderr).toBe(0)
  const made = await revmeta('token', 'create', '--config', configFile, '--role', 'admin', '--name', 'steward', '--json')
  expect(made.code, made.stderr).toBe(0)
  adminToken = JSON.parse(made.stdout).token
  const guard = path.resolve(import.meta.dirname, '../support/network-guard.mjs')
  const started = startServe(['--config', configFile, '--log-level', 'info'], { nodeArgs: ['--import', guard], env: { ...process.env, REVMETA_NETWORK_GUARD_LOG: guardLog } })
  serve = started.child
  base = await started.address
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspRefusals.push(message.text())
  })
  page.on('response', (response) => {
    void response.text().then(
      (body) => seen.push({ url: response.url(), body: body + JSON.stringify(response.headers()) }),
      () => {},
    )
  })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await stopServe(serve)
  await db?.drop()
  await rm(dir, { recursive: true, force: true })
})

describe('the revmeta app in a browser', () => {
  it('without a session, / is the 401 sign-in page; a wrong token is refused there, the right one loads the app and shows the services', async () => {
    const first = await page.goto(`${base}/`)
    expect(first?.status()).toBe(401)
    expect(await page.locator('#root').count()).toBe(0)
    await page.getByLabel('API token').fill(`rvm_${'W'.repeat(43)}`)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Sign-in refused: the token is unknown or revoked.').waitFor()
    await shot('sign-in-refused')
    await page.getByLabel('API token').fill(adminToken)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('cell', { name: 'postgres', exact: true }).waitFor()
    expect(await page.getByText('steward (admin)').count()).toBe(1)
    await page.getByRole('button', { name: 'Check' }).click()
    await page.getByText('connected').waitFor()
    await shot('services')
  })

  it('the served app, its assets and /healthz answer 401 to a request without a credential (serve over TCP)', async () => {
    const app = await fetch(`${base}/`, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(app.status).toBe(200)
    const assets = [...(await app.text()).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThan(0)
    for (const url of ['/healthz', '/index.html', ...assets]) expect((await fetch(`${base}${url}`)).status, url).toBe(401)
    expect((await fetch(`${base}/healthz`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(200)
  })

  it('a refused sign-in link shows the sign-in page, which takes a signed-in person on to the app', async () => {
    const refused = await page.goto(`${base}/sign-in/rvl_${'U'.repeat(43)}`)
    expect(refused?.status()).toBe(401)
    await page.waitForURL(`${base}/`)
    await page.getByText('steward (admin)').waitFor()
  })

  it('creates a channel for the service in Set up and submits it', async () => {
    await nav('Set up')
    await page.getByRole('button', { name: 'New channel' }).click()
    await page.locator('input[name="name"]').fill('ui-tags')
    await page.locator('input[name="service-pg"]').check()
    // Descriptions stay with the YAML channel: this one takes tags only.
    await page.locator('input[name="sync-descriptions"]').uncheck()
    expect(await page.locator('input[name="sync-tags"]').isChecked()).toBe(true)
    expect(await page.locator('input[name="sync-owners"]').isChecked()).toBe(false)
    await page.locator('textarea[name="template-description"]').fill('COMMENT ON TABLE {ident(table} IS {description}')
    await page.getByPlaceholder('asset FQN', { exact: false }).fill(fqn())
    await page.locator('.template-error').filter({ hasText: 'line 1, column' }).waitFor()
    await shot('set-up-template-error')
    await page.locator('textarea[name="template-description"]').fill('')
    await page.getByRole('button', { name: 'Submit' }).click()
    await page.getByText('Channel ui-tags saved').waitFor()
    await page.getByRole('cell', { name: 'ui-tags', exact: true }).waitFor()
    await shot('set-up')
  })

  it('edits a column description in the catalog: it lands in PostgreSQL and shows in Recent Runs with its statement', async () => {
    await editDescription('status', "Placed or 'paid'", /applied/)
    await shot('catalog')
    expect(await readDescription(db.client, 'sales.orders', 'status')).toBe("Placed or 'paid'")
    await nav('Recent Runs')
    await page.locator('table.runs tbody tr').first().getByRole('link').click()
    await page.getByText(`COMMENT ON COLUMN "sales"."orders"."status" IS 'Placed or ''paid'''`).first().waitFor()
    await shot('run')
  })

  it('a dropped column fails with its code and fix text; after the fix, replay from Dead letters applies it', async () => {
    await db.client.query('ALTER TABLE sales.orders DROP COLUMN note')
    await editDescription('note', 'free text', /failed/)
    await nav('Recent Runs')
    await page.locator('table.runs tbody tr').first().getByRole('link').click()
    await page.locator('.operation .code').filter({ hasText: 'OBJECT_NOT_FOUND' }).waitFor()
    await page.getByText('Fix: The catalog is ahead of or behind the source').waitFor()
    await shot('run-failed')
    await db.client.query('ALTER TABLE sales.orders ADD COLUMN note text')
    await nav('Dead letters')
    await page.getByLabel(`select ${fqn('note')}`).check()
    await shot('dead-letters')
    await page.getByRole('button', { name: /Replay selected/ }).click()
    await page.getByText(/Re-queued 1 as/).waitFor()
    expect(await until(() => readDescription(db.client, 'sales.orders', 'note'), (d) => d === 'free text')).toBe('free text')
  })

  it('rolls back a run after a confirmation that shows what will be restored', async () => {
    await nav('Recent Runs')
    await page.locator('table.runs tbody tr').filter({ hasText: 'webhook' }).last().getByRole('link').click()
    await page.getByRole('button', { name: 'Roll back this run…' }).click()
    // The value to restore shows in the confirmation (and may show in the run's own table too).
    await page.getByRole('button', { name: 'Confirm rollback' }).waitFor()
    await page.getByRole('cell', { name: 'from the source' }).last().waitFor()
    await shot('rollback-confirm')
    await page.getByRole('button', { name: 'Confirm rollback' }).click()
    await page.getByText(/Rollback queued as/).waitFor()
    expect(await until(() => readDescription(db.client, 'sales.orders', 'status'), (d) => d === 'from the source')).toBe('from the source')
  })

  it('plans a Run Now and shows the drift', async () => {
    await nav('Run Now')
    await page.getByRole('button', { name: 'Plan' }).click()
    await page.getByText(/object\(s\) drift/).waitFor({ timeout: 30_000 })
    await shot('run-now')
  })

  it('previews a description holding HTML as text: nothing in it runs', async () => {
    await openTable()
    const field = page.locator(`.editable[data-fqn="${fqn('id')}"]`)
    await field.getByLabel(`description of ${fqn('id')}`).fill('<img src=x onerror="window.__xss=1"> **bold** [link](javascript:window.__xss=2)')
    await field.locator('.markdown strong').filter({ hasText: 'bold' }).waitFor()
    expect(await field.locator('.markdown img').count()).toBe(0)
    expect(await field.locator('.markdown').textContent()).toContain('<img src=x')
    expect(await field.locator('.markdown a').getAttribute('href')).toBe('#')
    await field.locator('.markdown a').click()
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  })

  it('shows a viewer only what a viewer may do, and the server refuses the rest', async () => {
    const made = await revmeta('token', 'create', '--config', configFile, '--role', 'viewer', '--name', 'reader', '--json')
    expect(made.code, made.stderr).toBe(0)
    const viewerToken = JSON.parse(made.stdout).token
    const context = await browser.newContext()
    const viewer = await context.newPage()
    await viewer.goto(`${base}/`)
    await viewer.getByLabel('API token').fill(viewerToken)
    await viewer.getByRole('button', { name: 'Sign in' }).click()
    await viewer.getByText('reader (viewer)').waitFor()
    const links = await viewer.getByRole('navigation').getByRole('link').allTextContents()
    expect(links).toEqual(['Services', 'Set up', 'Recent Runs', 'Dead letters', 'Catalog'])
    await viewer.getByRole('navigation').getByRole('link', { name: 'Set up' }).click()
    await viewer.getByRole('cell', { name: 'docs', exact: true }).waitFor()
    expect(await viewer.getByRole('button', { name: 'New channel' }).count()).toBe(0)
    // The server enforces it whatever the page shows: the viewer's session cannot save a channel.
    const refused = await viewer.evaluate(async () => {
      const me = await (await fetch('/api/v1/revmeta/session')).json()
      const response = await fetch('/api/v1/revmeta/channels/sneaky', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-revmeta-csrf': me.csrf }, body: '{}' })
      return { status: response.status, body: await response.json() }
    })
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'AUTH_FORBIDDEN' } } })
    await viewer.screenshot({ path: path.join(shots, 'set-up-viewer.png'), fullPage: true })
    await context.close()
  })

  it('never showed a secret in any response, the sign-in page broke no CSP rule, and the server reached nothing off the machine', async () => {
    expect(cspRefusals).toEqual([])
    expect(seen.length).toBeGreaterThan(20)
    for (const { url, body } of seen) {
      for (const secret of [adminToken, webhookSecret, dbPassword]) expect(body.includes(secret), `${secret.slice(0, 6)}… in ${url}`).toBe(false)
    }
    const refused = existsSync(guardLog) ? (await readFile(guardLog, 'utf8')).trim() : ''
    expect(refused).toBe('')
  })
})
