import { randomBytes } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { link, readFile, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { storeError } from './store-errors.js'

interface LockInfo {
  readonly pid: number
  readonly host: string
  readonly since: string
}

export interface StoreLock {
  readonly path: string
  release(): Promise<void>
}

/**
 * Guards an older revmeta's PGlite store (the embedded SQLite store needs no lock: processes share
 * it). PGlite runs PostgreSQL inside the process; a second process opening the same directory
 * would corrupt it, so a lock file beside the directory names the owner: an older revmeta still
 * running on it, or another `revmeta store upgrade`. A lock whose process is gone
 * (kill -9, power loss) is taken over: a crash must never leave the store unusable.
 *
 * The file appears atomically via link(2), which never replaces an existing file. Taking over a
 * stale lock re-reads it just before removing it, which leaves a window of microseconds in which
 * two processes starting at the same instant after a crash could both remove it; both would then
 * race on link(2) again and only one wins.
 */
export async function acquireStoreLock(lockPath: string): Promise<StoreLock> {
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  const body = JSON.stringify(mine)
  const temp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`
  await writeFile(temp, body)
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(temp, lockPath)
        return held(lockPath, body)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const raw = await readFile(lockPath, 'utf8').catch(() => undefined)
      if (raw === undefined) continue // released meanwhile: try again
      const holder = parseLock(raw)
      if (holder && isAlive(holder)) {
        throw storeError(
          'STORE_LOCKED',
          `The PGlite store is in use by process ${holder.pid} on ${holder.host} since ${holder.since} (lock file ${lockPath}): ` +
            'an older revmeta still running on it, or another upgrade. Stop that process first.',
          { details: { lockFile: lockPath, pid: holder.pid, host: holder.host } },
        )
      }
      // Dead holder (or a lock cut short by a crash): remove it unless someone replaced it meanwhile.
      const again = await readFile(lockPath, 'utf8').catch(() => undefined)
      if (again === raw) await unlink(lockPath).catch(() => {})
    }
    throw storeError('STORE_LOCKED', `Could not take the PGlite store lock ${lockPath}: other processes keep taking it.`, { details: { lockFile: lockPath } })
  } finally {
    await unlink(temp).catch(() => {})
  }
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockInfo>
    if (typeof value.pid === 'number' && typeof value.host === 'string') return { pid: value.pid, host: value.host, since: String(value.since ?? '?') }
  } catch {
    // An empty or torn file: the writer died before finishing it.
  }
  return undefined
}

function isAlive(holder: LockInfo): boolean {
  // A pid on another machine (a store directory on a network share) cannot be checked: assume alive.
  if (holder.host !== hostname()) return true
  if (holder.pid === process.pid) return true // this process opened the store twice
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function held(lockPath: string, body: string): StoreLock {
  // On a normal exit (including process.exit) the lock goes with the process; kill -9 is covered
  // by the stale-pid takeover above.
  const onExit = () => removeIfMine(lockPath, body)
  process.once('exit', onExit)
  let released = false
  return {
    path: lockPath,
    async release() {
      if (released) return
      released = true
      process.removeListener('exit', onExit)
      removeIfMine(lockPath, body)
    },
  }
}

function removeIfMine(lockPath: string, body: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === body) unlinkSync(lockPath)
  } catch {
    // Already gone.
  }
}
