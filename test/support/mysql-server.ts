import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'

export const mysqlServer = { host: '127.0.0.1', port: 3306, user: 'root' }

/** A connection to the local MariaDB/MySQL server, or a failure that says exactly what is missing. */
export async function connectMysql(options: { sqlMode?: string } = {}): Promise<mysql.Connection> {
  let conn: mysql.Connection
  try {
    conn = await mysql.createConnection({ ...mysqlServer, connectTimeout: 5000, multipleStatements: true, charset: 'utf8mb4' })
  } catch (err) {
    throw new Error(
      `These tests need the MariaDB (or MySQL) server at ${mysqlServer.host}:${mysqlServer.port} (user ${mysqlServer.user}, empty password): ${(err as Error).message}. ` +
        'Start it with: service mariadb start (or: mysqld_safe &)',
    )
  }
  if (options.sqlMode !== undefined) await conn.execute('SET SESSION sql_mode = ?', [options.sqlMode])
  return conn
}

export interface TempMysqlDatabase {
  readonly name: string
  readonly conn: mysql.Connection
  drop(): Promise<void>
}

/** A fresh, uniquely named database for one test file, dropped by `drop()`. */
export async function createTempMysqlDatabase(prefix: string): Promise<TempMysqlDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const conn = await connectMysql()
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
  return {
    name,
    conn,
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await conn.end()
    },
  }
}

/** The server's own SHOW CREATE TABLE text. */
export async function showCreateTable(conn: mysql.Connection, database: string, table: string): Promise<string> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE \`${database}\`.\`${table}\``)
  return String(rows[0]?.['Create Table'])
}

/** A table's comment as information_schema shows it ('' for none). */
export async function tableComment(conn: mysql.Connection, database: string, table: string): Promise<string | undefined> {
  const [rows] = await conn.execute<mysql.RowDataPacket[]>('SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, table])
  return rows[0]?.c as string | undefined
}

/** Every column comment of a table as information_schema shows it, by column name. */
export async function columnComments(conn: mysql.Connection, database: string, table: string): Promise<Record<string, string>> {
  const [rows] = await conn.execute<mysql.RowDataPacket[]>('SELECT COLUMN_NAME AS n, COLUMN_COMMENT AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, table])
  return Object.fromEntries(rows.map((row) => [row.n as string, row.c as string]))
}
