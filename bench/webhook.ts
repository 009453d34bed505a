import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { webhookPath } from '../src/http/webhook-path.js'
import { signWebhookBody } from '../src/openmetadata/webhook-signature.js'
import { fixture } from './fixture.js'
import { bin, revmeta } from './processes.js'
import { sizes } from './sizes.js'
import { changeEvents, columnText, configYaml, connect, now, server, tableText } from './support.js'

/**
 * Figure 4: `revmeta serve` on the embedded store, fed a steady stream of signed webhook events;
 * for each, the time from sending it until its comment is visible in PostgreSQL.
 */
export const webhookTargetMs = 300
export const pollEveryMs = 20
/** After the last event, how long the bench waits for stragglers before it counts them lost. */
const graceMs = 30_000
const warmUpTables = 2

export interface WebhookResult {
  readonly rate: number
  readonly seconds: number
  readonly sent: number
  readonly refused: number
  /** The refusals by HTTP status, or by the error when there was no answer. */
  readonly refusedBy: Record<string, number>
  readonly lost: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** How late the sender was at worst against its schedule: the rate it kept. */
  readonly sendLagMaxMs: number
  readonly elapsedMs: number
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN

export async function benchWebhook(log: (line: string) => void): Promise<WebhookResult> {
  const total = sizes.webhookRate * sizes.webhookSeconds
  const tables = Math.ceil(total / 10) + warmUpTables
  log(`figure 4: revmeta serve, ${sizes.webhookRate} signed events a second for ${sizes.webhookSeconds} s`)
  const f = await fixture('webhook', { tables, columns: 9 })
  const secret = randomBytes(16).toString('hex')
  const yaml = [`catalog:`, `  type: builtin`, `  webhookSecret: ${secret}`, `server:`, `  host: 127.0.0.1`, `  port: 0`, configYaml(f.database, server, { connectionBatchSize: 1_000, store: `dir: ${path.join(f.dir, 'store')}` })].join('\n')
  const config = await f.config('serve', yaml)
  const out = path.join(f.dir, 'stdout.txt')
  // A viewer token, made before serve holds the store: the health check that says serve is up.
  const token = (await revmeta(['token', 'create', '-c', config, '--role', 'viewer', '--name', 'bench'], out)).stdout.match(/rvm_[A-Za-z0-9_-]+/)?.[0]
  if (!token) throw new Error('revmeta token create printed no token')
  const child = spawn(process.execPath, [bin, 'serve', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  const db = await connect(f.database)
  try {
    const address = await listening(child)
    const health = await fetch(`${address}/healthz`, { headers: { authorization: `Bearer ${token}` } })
    if (health.status !== 200) throw new Error(`serve's /healthz answered ${health.status}`)
    // Each event sets one object's comment to a text no other object has: the poll finds it by that text.
    const events = [...changeEvents({ tables, columns: 9 }, f.database)]
    const texts = Array.from({ length: tables }, (_, t) => [tableText(t), ...Array.from({ length: 9 }, (_, c) => columnText(t, c))]).flat()
    let refused = 0
    const refusedBy: Record<string, number> = {}
    const refuse = (why: string) => {
      refused++
      refusedBy[why] = (refusedBy[why] ?? 0) + 1
    }
    const post = (i: number) => {
      const body = JSON.stringify(events[i])
      return fetch(`${address}${webhookPath}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-om-signature': signWebhookBody(body, secret) } })
        .then(async (res) => {
          await res.arrayBuffer()
          if (res.status !== 200) refuse(String(res.status))
        })
        .catch((error: Error) => refuse((error.cause as Error | undefined)?.message ?? error.message))
    }
    const sentAt = new Map<number, number>()
    const latency: number[] = []
    const byText = new Map(texts.map((text, i) => [text, i]))
    // One query for every outstanding event, every pollEveryMs: the time is the poll's start, when its snapshot saw the change.
    const poll = async () => {
      const pending = [...sentAt.keys()].map((i) => texts[i]!)
      if (pending.length === 0) return
      const at = now()
      const { rows } = await db.query<{ d: string }>('SELECT description AS d FROM pg_catalog.pg_description WHERE description = ANY($1::text[])', [pending])
      for (const { d } of rows) {
        const i = byText.get(d)!
        const sent = sentAt.get(i)
        if (sent === undefined) continue
        sentAt.delete(i)
        if (i < total) latency.push(at - sent)
      }
    }
    let polling = true
    const poller = (async () => {
      while (polling) {
        const started = now()
        await poll()
        await sleep(Math.max(0, pollEveryMs - (now() - started)))
      }
    })()

    // Warm-up, not counted: the last tables' events, until all are visible.
    const warm = Array.from({ length: warmUpTables * 10 }, (_, k) => total + k).filter((i) => i < events.length)
    for (const i of warm) {
      sentAt.set(i, now())
      await post(i)
    }
    const warmDeadline = now() + graceMs
    while (warm.some((i) => sentAt.has(i)) && now() < warmDeadline) await sleep(pollEveryMs)
    if (warm.some((i) => sentAt.has(i))) throw new Error('the warm-up events never reached the database')

    const posts: Promise<void>[] = []
    let sendLagMaxMs = 0
    const start = now()
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / sizes.webhookRate
      const wait = due - now()
      if (wait > 1) await sleep(wait)
      sendLagMaxMs = Math.max(sendLagMaxMs, now() - due)
      sentAt.set(i, now())
      posts.push(post(i))
    }
    await Promise.all(posts)
    const deadline = now() + graceMs
    while (sentAt.size > 0 && now() < deadline) await sleep(pollEveryMs)
    const elapsedMs = now() - start
    polling = false
    await poller
    const lost = sentAt.size
    const sorted = latency.sort((a, b) => a - b)
    const result = { rate: sizes.webhookRate, seconds: sizes.webhookSeconds, sent: total, refused, refusedBy, lost, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, sendLagMaxMs, elapsedMs }
    log(`  ${total} sent, ${refused} refused ${JSON.stringify(refusedBy)}, ${lost} lost; latency p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, max ${result.max.toFixed(0)} ms (sender at most ${sendLagMaxMs.toFixed(0)} ms late)`)
    return result
  } finally {
    await db.end()
    await stop(child)
    await f.drop()
  }
}

/** Resolves with serve's address once it logs `listening on http://…`. */
async function listening(child: ChildProcess): Promise<string> {
  let stderr = ''
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s: ${stderr.slice(-2000)}`)), 60_000)
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr.slice(-2000)}`)))
    child.stderr!.on('data', (chunk: Buffer) => {
      // Keep reading (and only the tail) so serve never blocks on a full pipe.
      stderr = (stderr + chunk.toString()).slice(-20_000)
      const m = stderr.match(/listening on (http:\/\/[^\s;]+)/)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const exited = once(child, 'exit')
  const timeout = sleep(20_000).then(() => 'timeout')
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL')
    await exited
  }
}
