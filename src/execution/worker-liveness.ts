import { readlinkSync } from 'node:fs'
import { hostname } from 'node:os'

/**
 * Where a process's pid means something: the host name, and on Linux the pid namespace (two
 * containers may share a host name, and each numbers its own processes).
 */
function pidSpace(): string {
  try {
    const ns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1]
    return ns === undefined ? hostname() : `${hostname()}~${ns}`
  } catch {
    return hostname()
  }
}

const here = pidSpace()

/** A worker id for this process: `<host>[~<pid namespace>]:<pid>:<random>`. */
export function localWorkerId(pid: number, random: string): string {
  return `${here}:${pid}:${random}`
}

/**
 * True when worker id `id` (see localWorkerId) names a process of this host and pid namespace
 * that no longer exists: what it holds can be taken back at once instead of after its lease. Ids
 * of other hosts or containers, of this process, of live processes, or of another shape: false
 * (they wait for their lease). A pid reused since only delays the reclaim until the lease runs out.
 */
export function localWorkerGone(id: string): boolean {
  const parts = id.split(':')
  if (parts.length < 3) return false
  const pid = Number(parts[parts.length - 2])
  const space = parts.slice(0, -2).join(':')
  if (space !== here || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
