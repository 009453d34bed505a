// Figure 1's baseline, run as its own process: the SQL file's statements sent as ONE query string
// (simple protocol, one round trip) in one transaction. What the database itself needs, plus Node's start-up.
import { readFileSync } from 'node:fs'
import pg from 'pg'

const [database, file] = process.argv.slice(2)
const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database })
await client.connect()
try {
  await client.query(`BEGIN;\n${readFileSync(file, 'utf8')}COMMIT;`)
} finally {
  await client.end()
}
