import { existsSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Session } from 'chdb'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { ClickhouseEmbeddedConnection } from './clickhouse-connection.js'
import { classifyClickhouseError, type ClickhouseErrorContext } from './clickhouse-errors.js'
import type { ClickhouseRunner } from './clickhouse-runner.js'

type ChdbModule = typeof import('chdb')

/**
 * Opens ClickHouse in this process through chdb (loaded only now): the same statements and
 * read-back queries as a server, no network. `setup` runs once; a new data directory is seeded
 * from initSql first.
 */
export async function openChdbRunner(connection: ClickhouseEmbeddedConnection, setup: readonly string[]): Promise<ClickhouseRunner> {
  const chdb = await loadChdb()
  const dir = connection.path === undefined ? undefined : path.resolve(connection.path)
  // chdb writes metadata/ once the first database exists: a directory without it holds nothing yet.
  const fresh = dir === undefined || !existsSync(path.join(dir, 'metadata'))
  const createdDir = dir !== undefined && !existsSync(dir)
  let session: Session
  try {
    if (dir !== undefined) await mkdir(dir, { recursive: true })
    session = new chdb.Session(dir)
  } catch (cause) {
    if (createdDir && dir !== undefined) await rm(dir, { recursive: true, force: true })
    // chdb serves one data directory per process: a second embedded service lands here.
    throw new RevmetaError('DATABASE_UNREACHABLE', `chdb cannot open ${dir ?? 'a temporary data directory'}: ${(cause as Error).message}`, {
      cause,
      details: { engine: 'clickhouse', mode: 'embedded', path: dir },
    })
  }
  const context: ClickhouseErrorContext = { mode: 'embedded', where: `chdb ${dir ?? session.path}` }
  try {
    if (fresh && connection.initSql !== undefined) await session.queryAsync(await readInitSql(connection.initSql))
    for (const sql of setup) await session.queryAsync(sql)
  } catch (error) {
    session.close()
    await chdb.drainPending()
    // Otherwise the half-made directory would count as "not new" and initSql would never run again.
    if (createdDir && dir !== undefined) await rm(dir, { recursive: true, force: true })
    if (error instanceof RevmetaError) throw error
    const coded = classifyClickhouseError(error, context)
    throw new RevmetaError(coded.code, `initSql ${connection.initSql ?? ''} failed: ${coded.message}`, { cause: error, details: coded.details })
  }
  return {
    context,
    async command(sql) {
      await session.queryAsync(sql)
    },
    async rows<T>(sql: string, params: Readonly<Record<string, unknown>>) {
      const result = await session.queryBindAsync(sql, params, { format: 'JSONEachRow' })
      return result
        .text()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as T)
    },
    async close() {
      // Removes the directory too when it was a temporary one. chdb may finish closing later; until
      // it has, no other data directory can be opened in this process.
      session.close()
      await chdb.drainPending()
    },
  }
}

async function loadChdb(): Promise<ChdbModule> {
  try {
    return await import('chdb')
  } catch (cause) {
    throw new RevmetaError('CONNECTION_FAILED', `The embedded ClickHouse mode runs on chdb, which cannot be loaded (install it with \`npm install chdb\`): ${(cause as Error).message}`, {
      cause,
      retryable: false,
      details: { engine: 'clickhouse', mode: 'embedded' },
    })
  }
}

async function readInitSql(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (cause) {
    throw new RevmetaError('CONFIG_UNREADABLE', `Cannot read initSql ${file}: ${(cause as Error).message}`, { cause, details: { initSql: file } })
  }
}
