import { readFileSync } from 'node:fs'
import { resolveConfig } from '../dist/config/load-config.js'
import { planEventStream } from '../dist/engine/plan-event-stream.js'

/**
 * Run by stream.ts in a fresh process, so only planning counts: streams a JSON-lines events file
 * through planEventStream (read, normalize, route, coalesce: what `revmeta apply` does with a
 * large input), flushing at `flushEvery` pending keys. The operations would be queued there; here
 * they are counted and dropped. Prints one JSON line.
 */
const [file, flushArg, service] = process.argv.slice(2)
const flushEvery = Number(flushArg)
const rss = () => process.memoryUsage.rss()
const startRss = rss()
let sampledPeak = startRss
const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rss())), 5)

const config = await resolveConfig({ services: [{ name: service, type: 'postgres', connection: {} }] }, { source: 'bench', baseDir: process.cwd() })
let maxPendingKeys = 0
const start = performance.now()
const plan = await planEventStream(
  config,
  file!,
  async ({ operations }) => {
    maxPendingKeys = Math.max(maxPendingKeys, operations.length)
  },
  { maxPending: flushEvery },
)
const elapsedMs = performance.now() - start
clearInterval(sampler)
sampledPeak = Math.max(sampledPeak, rss())
// Both in kilobytes. VmHWM: the high-water mark of this process's memory since it started. maxRSS
// (getrusage) is the same figure, but can also carry memory of the parent from the spawn.
const vmHwm = Number(/^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024
const maxRss = process.resourceUsage().maxRSS * 1024
const counts = { events: plan.items, changes: plan.changes, operations: plan.operations, flushes: plan.flushes, errors: plan.errors.length + plan.rejected.length, maxPendingKeys }
process.stdout.write(`${JSON.stringify({ ...counts, elapsedMs, startRss, sampledPeak, vmHwm, maxRss })}\n`)
