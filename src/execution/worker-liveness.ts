import { hostname } from 'node:os'

/**
 * True when worker id `id` (`${hostname()}:${pid}:${random}`, as Worker makes them) names a process
 * of this host that no longer exists: what it holds can be taken back at once instead of after its
 * lease. Ids of other hosts, of this process, of live processes, or of another shape: false (they
 * wait for their lease). A pid reused since only delays the reclaim until the lease runs out.
 */
export function localWorkerGone(id: string): boolean {
  const parts = id.split(':')
  if (parts.length < 3) return false
  const pid = Number(parts[parts.length - 2])
  const host = parts.slice(0, -2).join(':')
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
