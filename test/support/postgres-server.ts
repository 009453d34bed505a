import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const serverUrl = { host: '127.0.0.1', port: 5432, user: 'postgres' }

/** A connection to the local server, or a failure that says exactly what is missing. */
export async function connect(database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ ...serverUrl, database, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(
      `These tests need the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust auth): ${(err as Error).message}. ` +
        'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    )
  }
  return client
}

export interface TempDatabase {
  readonly name: string
  /** Unique prefix for cluster-wide objects (roles) made by this test file. */
  readonly tag: string
  readonly client: pg.Client
  drop(): Promise<void>
}

/** A fresh database for one test file, so files can run side by side; roles listed are dropped too. */
export async function createTempDatabase(prefix: string, roles: readonly string[] = []): Promise<TempDatabase> {
  const tag = `${prefix}_${randomBytes(4).toString('hex')}`
  const admin = await connect()
  await admin.query(`CREATE DATABASE ${tag}`)
  for (const role of roles) await admin.query(`CREATE ROLE ${tag}_${role}`)
  await admin.end()
  const client = await connect(tag)
  return {
    name: tag,
    tag,
    client,
    async drop() {
      await client.end()
      const a = await connect()
      await a.query(`DROP DATABASE IF EXISTS ${tag} WITH (FORCE)`)
      for (const role of roles) await a.query(`DROP ROLE IF EXISTS ${tag}_${role}`)
      await a.end()
    },
  }
}

/** The comment on a relation (a regclass text such as `sales.orders`), or on one of its columns, as the server stores it. */
export async function readDescription(client: pg.Client, relation: string, column?: string): Promise<string | null> {
  const sql = column === undefined ? `SELECT obj_description($1::regclass, 'pg_class') AS d` : `SELECT col_description($1::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2)) AS d`
  const result = await client.query(sql, column === undefined ? [relation] : [relation, column])
  return result.rows[0].d
}
