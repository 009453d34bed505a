import { readFileSync } from 'node:fs'
import { resolveConfig } from '../dist/config/load-config.js'
import { routeChanges } from '../dist/engine/route-changes.js'
import { normalizeChangeEvents } from '../dist/inputs/normalize-change-events.js'
import { streamEvents } from '../dist/inputs/stream-events.js'
import { StreamingPlanner } from '../dist/planning/stream-planner.js'

/**
 * Run by stream.ts in a fresh process, so only planning counts: streams a JSON-lines events file
 * through normalize → route → StreamingPlanner, flushing every `flushEvery` routed changes (the
 * operations would be queued there; here they are counted and dropped), and prints one JSON line.
 */
const [file, flushArg, service] = process.argv.slice(2)
const flushEvery = Number(flushArg)
const rss = () => process.memoryUsage.rss()
const startRss = rss()
let sampledPeak = startRss
const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rss())), 5)

const config = await resolveConfig({ services: [{ name: service, type: 'postgres', connection: {} }] }, { source: 'bench', baseDir: process.cwd() })
const planner = new StreamingPlanner()
const counts = { events: 0, changes: 0, operations: 0, flushes: 0, errors: 0, maxPendingKeys: 0 }
let sinceFlush = 0
const flush = () => {
  counts.maxPendingKeys = Math.max(counts.maxPendingKeys, planner.pending)
  counts.operations += planner.flush().length
  counts.flushes++
  sinceFlush = 0
}
const start = performance.now()
for await (const entry of streamEvents(file!)) {
  counts.events++
  if (entry.error) {
    counts.errors++
    continue
  }
  const normalized = normalizeChangeEvents([entry.item], { startIndex: entry.index })
  counts.errors += normalized.errors.length
  const { routed, rejected } = routeChanges(normalized.changes, config)
  counts.errors += rejected.length
  for (const r of routed) planner.add(r)
  counts.changes += routed.length
  sinceFlush += routed.length
  if (sinceFlush >= flushEvery) flush()
}
flush()
const elapsedMs = performance.now() - start
clearInterval(sampler)
sampledPeak = Math.max(sampledPeak, rss())
// Both in kilobytes. VmHWM: the high-water mark of this process's memory since it started. maxRSS
// (getrusage) is the same figure, but can also carry memory of the parent from the spawn.
const vmHwm = Number(/^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024
const maxRss = process.resourceUsage().maxRSS * 1024
process.stdout.write(`${JSON.stringify({ ...counts, elapsedMs, startRss, sampledPeak, vmHwm, maxRss })}\n`)
