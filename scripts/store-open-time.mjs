// Open time of the embedded store as a user meets it: a new node process per open, openStore (or,
// for the PGlite store of older revmetas, openPgliteRunner + its migrations) up to the first
// query's answer (after loading the modules, which the whole-process time includes). Build first (npx tsc -p tsconfig.build.json && node scripts/copy-assets.mjs).
// Usage: node scripts/store-open-time.mjs [rounds]   (docs/execution.md, "Why SQLite")
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const store = fileURLToPath(new URL('../dist/store/', import.meta.url))
const one = {
  sqlite: `const { openStore } = await import(${JSON.stringify(store + 'open-store.js')});
    const t0 = performance.now(); const store = await openStore({ dir: process.argv[1] }); await store.getCursor('first');
    console.log(performance.now() - t0); await store.close()`,
  pglite: `const { openPgliteRunner } = await import(${JSON.stringify(store + 'pglite-runner.js')});
    const { migrate, loadMigrations } = await import(${JSON.stringify(store + 'migrate.js')});
    const t0 = performance.now(); const runner = await openPgliteRunner(process.argv[1]);
    await migrate(runner, 'revmeta', (await loadMigrations('postgres')).filter((m) => m.version <= 9));
    await runner.query('SELECT value FROM revmeta.cursors WHERE name = $1', ['first']);
    console.log(performance.now() - t0); await runner.close()`,
}
const rounds = Number(process.argv[2] ?? 5)
const times = {}
const open = (kind, dir, label) => {
  const started = performance.now()
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', one[kind], dir], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  ;(times[`${kind} ${label}: open → first answer`] ??= []).push(Number(r.stdout.trim()))
  ;(times[`${kind} ${label}: whole process`] ??= []).push(performance.now() - started)
}
for (let i = 0; i < rounds; i++) {
  for (const kind of ['sqlite', 'pglite']) {
    const base = mkdtempSync(path.join(tmpdir(), 'store-open-'))
    open(kind, path.join(base, 'store'), 'new store')
    open(kind, path.join(base, 'store'), 'existing store')
    rmSync(base, { recursive: true, force: true })
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, xs] of Object.entries(times)) console.log(`${name}: median ${Math.round(median(xs))} ms (${xs.map(Math.round).join(', ')})`)
