import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { DurableStore } from './durable-store.js'
import type { Target } from './durable-target.js'
import { bin, revmeta } from './run-cli.js'

export interface ConfigOptions {
  /** `execution` section; small retry delays by default so that tests never wait long. */
  readonly execution?: Record<string, unknown>
  /** The service's `execution` section (concurrency, ratePerSecond). */
  readonly serviceExecution?: Record<string, unknown>
  /** Overrides of the service's connection (e.g. the port of a proxy). */
  readonly connection?: Record<string, unknown>
  readonly owners?: Record<string, unknown>
  readonly channels?: readonly Record<string, unknown>[]
  /** File name in the store's directory. */
  readonly name?: string
}

/** Writes a revmeta configuration (JSON is YAML) for one target and store; returns its path. */
export async function writeConfig(store: DurableStore, target: Target, options: ConfigOptions = {}): Promise<string> {
  const config = {
    store: store.config,
    execution: { retryBaseMs: 50, retryMaxMs: 500, pollMs: 50, ...options.execution },
    services: [
      {
        name: target.service,
        type: 'postgres',
        connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: target.db.name, lockTimeoutMs: 2_000, ...options.connection },
        ...(options.owners ? { owners: options.owners } : {}),
        execution: options.serviceExecution ?? {},
      },
    ],
    ...(options.channels ? { channels: options.channels } : {}),
  }
  const file = path.join(store.dir, options.name ?? 'revmeta.yaml')
  await writeFile(file, JSON.stringify(config, null, 2))
  return file
}

let eventFiles = 0

/** Writes OpenMetadata ChangeEvents as JSON lines; returns the file's path. */
export async function writeEvents(store: DurableStore, events: readonly unknown[]): Promise<string> {
  const file = path.join(store.dir, `events-${++eventFiles}.jsonl`)
  await writeFile(file, events.map((e) => JSON.stringify(e)).join('\n'))
  return file
}

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface Running {
  readonly child: ChildProcess
  readonly pid: number
  /** Settles when the process has exited, with everything it printed. */
  readonly exited: Promise<Finished>
}

const started = new Set<ChildProcess>()

/** Kills (SIGKILL) every process startRevmeta started that is still running: for afterAll, after a failure. */
export function killStarted(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  started.clear()
}

/** Starts the built `revmeta` command as a child process, without waiting for it. */
export function startRevmeta(...args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  started.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += String(d)))
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)))
  const exited = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  if (child.pid === undefined) throw new Error('revmeta did not start')
  return { child, pid: child.pid, exited }
}

/** Polls `probe` until it returns true; fails naming `what` after `timeoutMs`, or when `abortIf` says so. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, options: { timeoutMs?: number; intervalMs?: number; abortIf?: () => string | undefined } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  for (;;) {
    if (await probe()) return
    const abort = options.abortIf?.()
    if (abort !== undefined) throw new Error(`gave up waiting for ${what}: ${abort}`)
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 25))
  }
}

/** Tracks whether a child has exited, for `waitUntil`'s `abortIf`. */
export function exitWatch(running: Running): () => string | undefined {
  let finished: Finished | undefined
  void running.exited.then((f) => (finished = f))
  return () => (finished ? `revmeta exited early (code ${finished.code}): ${finished.stderr.slice(-2_000)}` : undefined)
}

export interface RunInfo {
  readonly id: number
  readonly mode: string
  readonly finishedAt?: string
  readonly counts: Record<string, number>
  readonly note?: string
}

/** `revmeta runs --json`, newest first. */
export async function listRuns(config: string): Promise<RunInfo[]> {
  const { code, stdout, stderr } = await revmeta('runs', '--config', config, '--json', '--limit', '100')
  if (code !== 0) throw new Error(`revmeta runs failed (${code}): ${stderr}`)
  return (JSON.parse(stdout) as { runs: RunInfo[] }).runs
}

/** Runs revmeta with `--json` and parses its report; the exit code comes along. */
export async function revmetaJson(...args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const { code, stdout, stderr } = await revmeta(...args, '--json')
  let report: Report
  try {
    report = JSON.parse(stdout) as Report
  } catch {
    throw new Error(`revmeta ${args[0]} printed no JSON report (exit ${code}): ${stderr.slice(-2_000)}`)
  }
  return { code, report, stderr }
}

export interface ReportOperation {
  readonly asset: string
  readonly kind: string
  readonly status: string
  readonly statements: string[]
  readonly current?: string | null
  readonly desired?: string | null
  readonly verified?: boolean
  readonly warnings: string[]
  readonly error?: { code: string; message: string; retryable: boolean }
}

export interface Report {
  readonly runId?: number
  readonly summary: Record<string, number>
  readonly operations: ReportOperation[]
  readonly warnings: string[]
}
