// Figure 3's baseline, run as its own process: the descriptions of every bench table and column in
// one query (what a sync must read from the database), read to the end. Prints the rows read.
import pg from 'pg'

const [database] = process.argv.slice(2)
const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database })
await client.connect()
try {
  const { rows } = await client.query(`
    SELECT n.nspname, c.relname, a.attname, d.description
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = a.attnum
     WHERE n.nspname LIKE 'sch\\_%' AND c.relkind = 'r'
    UNION ALL
    SELECT n.nspname, c.relname, NULL, d.description
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
     WHERE n.nspname LIKE 'sch\\_%' AND c.relkind = 'r'`)
  process.stdout.write(`${rows.length}\n`)
} finally {
  await client.end()
}
