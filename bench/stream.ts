import { execFile, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { changeEvent } from '../test/support/om-events.js'
import { columnOf, columnText, schemaOf, service, tableOf, tableText } from './support.js'

/** Figure 6: 1,000,000 events streamed through planning, peak memory of the process that plans. */

export const streamEvents = 1_000_000
/** 20,000 tables × (1 + 9 columns) = 200,000 assets, each edited 5 times over the stream. */
export const streamShape = { tables: 20_000, columns: 9 }
/**
 * Pending (channel, asset, kind) keys at which planEventStream flushes (what `revmeta apply` then
 * enqueues at a time; its default is 10,000): the bound on the planner's memory. The target is
 * judged at the first; the second shows what a loose bound costs.
 */
export const flushIntervals = [10_000, 100_000] as const

export interface StreamRun {
  readonly flushEvery: number
  readonly events: number
  readonly changes: number
  readonly operations: number
  readonly flushes: number
  readonly errors: number
  readonly maxPendingKeys: number
  readonly elapsedMs: number
  readonly startRss: number
  readonly sampledPeak: number
  readonly vmHwm: number
  readonly maxRss: number
}

/** The peak judged against the target: the highest of the three readings. */
export const peakOf = (run: StreamRun) => Math.max(run.sampledPeak, run.vmHwm, run.maxRss)

export interface StreamResult {
  readonly fileBytes: number
  /** RSS high-water (VmHWM) of an empty process: plain node, and node with the tsx loader the child runs under. */
  readonly emptyProcess: { readonly node: number; readonly tsx: number }
  readonly runs: readonly StreamRun[]
}

/** Writes the events as JSON lines, streaming (never the whole file in memory), revision by revision. */
export async function generateEvents(file: string): Promise<void> {
  const out = createWriteStream(file)
  const perPass = streamShape.tables * (1 + streamShape.columns)
  let lines: string[] = []
  const write = async (event: Record<string, unknown>) => {
    lines.push(JSON.stringify(event))
    if (lines.length < 1_000) return
    const ok = out.write(`${lines.join('\n')}\n`)
    lines = []
    if (!ok) await once(out, 'drain')
  }
  for (let n = 0; n < streamEvents; n++) {
    const revision = Math.floor(n / perPass) + 1
    const i = n % perPass
    const t = Math.floor(i / (1 + streamShape.columns))
    const c = (i % (1 + streamShape.columns)) - 1
    const fqn = `${service}.warehouse.${schemaOf(t)}.${tableOf(t)}`
    const text = `${c < 0 ? tableText(t) : columnText(t, c)} (revision ${revision})`
    const old = revision === 1 ? '' : `${c < 0 ? tableText(t) : columnText(t, c)} (revision ${revision - 1})`
    const field = c < 0 ? 'description' : `columns.${columnOf(c)}.description`
    await write(changeEvent('table', fqn, { updated: [{ name: field, oldValue: old, newValue: text }] }))
  }
  out.end(lines.length > 0 ? `${lines.join('\n')}\n` : '')
  await once(out, 'finish')
}

export async function benchStream(log: (line: string) => void): Promise<StreamResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'revmeta-bench-stream-'))
  try {
    const file = path.join(dir, 'events.jsonl')
    log(`figure 6: generating ${streamEvents.toLocaleString('en-US')} events in ${file}`)
    await generateEvents(file)
    const fileBytes = (await stat(file)).size
    log(`  ${(fileBytes / 2 ** 20).toFixed(0)} MiB written; planning in a fresh process`)
    const runs: StreamRun[] = []
    for (const flushEvery of flushIntervals) runs.push(await plan(file, flushEvery, log))
    return { fileBytes, runs, emptyProcess: { node: await emptyRss([]), tsx: await emptyRss(['--import', 'tsx']) } }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Plans the file in a fresh process, so that neither the generator nor this process counts. */
async function plan(file: string, flushEvery: number, log: (line: string) => void): Promise<StreamRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./stream-child.ts', import.meta.url)), file, String(flushEvery), service], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`the planning process exited with ${code}`)
  const run = { flushEvery, ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<StreamRun, 'flushEvery'>) }
  if (run.events !== streamEvents || run.changes !== streamEvents || run.errors !== 0) throw new Error(`unexpected planning counts: ${JSON.stringify(run)}`)
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
  log(`  flush at ${flushEvery} pending keys: peak RSS ${mb(peakOf(run))} (at start ${mb(run.startRss)}), ${(run.elapsedMs / 1000).toFixed(1)} s`)
  return run
}

async function emptyRss(flags: string[]): Promise<number> {
  const script = "process.stdout.write(/^VmHWM:\\s*(\\d+)/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1])"
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, '-e', script])
  return Number(stdout) * 1024
}
