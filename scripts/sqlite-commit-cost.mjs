// What WAL mode and synchronous=FULL cost per commit on this disk, against the alternatives:
// 300 one-row transactions (BEGIN IMMEDIATE … COMMIT, as the store's) and one of 10,000 rows.
// Usage: node scripts/sqlite-commit-cost.mjs [rounds]   (docs/execution.md, "Why SQLite")
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Sqlite from 'better-sqlite3'

const rounds = Number(process.argv[2] ?? 3)
const variants = [['wal', 'full'], ['wal', 'normal'], ['delete', 'full']]
const out = {}
for (let round = 0; round < rounds; round++) {
  for (const [journal, sync] of variants) {
    const dir = mkdtempSync(path.join(tmpdir(), 'commit-cost-'))
    const db = new Sqlite(path.join(dir, 'x.sqlite'))
    db.pragma(`journal_mode = ${journal}`)
    db.pragma(`synchronous = ${sync}`)
    db.exec('CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, payload text NOT NULL)')
    const insert = db.prepare('INSERT INTO t (payload) VALUES (?)')
    const payload = 'x'.repeat(500)
    let t = performance.now()
    for (let i = 0; i < 300; i++) {
      db.exec('BEGIN IMMEDIATE')
      insert.run(payload)
      db.exec('COMMIT')
    }
    const perCommit = (performance.now() - t) / 300
    t = performance.now()
    db.exec('BEGIN IMMEDIATE')
    for (let i = 0; i < 10_000; i++) insert.run(payload)
    db.exec('COMMIT')
    const batch = performance.now() - t
    db.close()
    rmSync(dir, { recursive: true, force: true })
    const row = (out[`${journal}, synchronous=${sync}`] ??= { 'ms per one-row commit': [], 'ms for 10,000 rows in one commit': [] })
    row['ms per one-row commit'].push(Number(perCommit.toFixed(2)))
    row['ms for 10,000 rows in one commit'].push(Math.round(batch))
  }
}
for (const [name, row] of Object.entries(out)) console.log(name, JSON.stringify(row))
