import { spawn } from 'node:child_process'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

/**
 * Runs `task` on a DuckDB file without revmeta, through the same in-process instance cache the
 * client uses, so it sees the client's writes even while the client is open.
 */
async function withDuckdb<T>(file: string, task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.fromCache(file)
  const connection = await instance.connect()
  try {
    return await task(connection)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** One query's rows as plain JS. */
export async function queryDuckdb(file: string, sql: string): Promise<Record<string, unknown>[]> {
  return withDuckdb(file, async (connection) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[])
}

/**
 * The error message `sql` fails with, or undefined when it succeeds; sent as the client sends
 * scripts (`run` without parameters), so multi-statement behaviour is the client's.
 */
export async function duckdbFailure(file: string, sql: string): Promise<string | undefined> {
  try {
    await withDuckdb(file, (connection) => connection.run(sql))
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * Another process opens `file` for writing and keeps DuckDB's file lock for `ms`. Resolves once the
 * lock is held; `exited` settles when the process is gone and the lock released.
 */
export async function holdDuckdbLock(file: string, ms: number): Promise<{ exited: Promise<void> }> {
  const script = `const { DuckDBInstance } = require('@duckdb/node-api')
DuckDBInstance.create(${JSON.stringify(file)}).then((i) => { console.log('held'); setTimeout(() => i.closeSync(), ${ms}) }, (e) => { console.log('failed ' + e.message); process.exit(1) })`
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      const text = String(data)
      if (text.includes('held')) resolve()
      else reject(new Error(`the lock-holding process could not open ${file}: ${text}`))
    })
    child.once('exit', (code) => reject(new Error(`the lock-holding process exited (${code}) before holding ${file}`)))
  })
  return { exited }
}
