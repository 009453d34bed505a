import cliProgress from 'cli-progress'
import type { OnProgress, Progress } from '../model/progress.js'

/** What a long command draws while it works, and how its log lines reach standard error meanwhile. */
export interface ProgressView {
  /** Undefined when nothing is drawn: the core then does not even count. */
  readonly onProgress: OnProgress | undefined
  /** A line on standard error that does not tear the bar. */
  log(line: string): void
  /** Leaves the bars as last drawn; call once the work is done, before the report is printed. */
  stop(): void
}

interface Watcher {
  readonly json?: boolean | undefined
  readonly isTTY?: boolean | undefined
  readonly env?: NodeJS.ProcessEnv
}

/**
 * A bar is for a person at a terminal: standard error is a TTY, the output is not `--json` (a
 * program reads that), and the terminal can move its cursor (not TERM=dumb).
 */
export function showsProgress({ json, isTTY, env = process.env }: Watcher): boolean {
  return json !== true && isTTY === true && env.TERM !== 'dumb'
}

/** After how long a bar appears: a command done within about a second shows none. */
function delayOf(env: NodeJS.ProcessEnv): number {
  // REVMETA_PROGRESS_DELAY_MS=0 draws the bar at once (a test under a pseudo-terminal, or a taste).
  const given = Number(env.REVMETA_PROGRESS_DELAY_MS)
  return env.REVMETA_PROGRESS_DELAY_MS !== undefined && Number.isFinite(given) && given >= 0 ? given : 1_000
}

const rateOf = (done: number, ms: number) => (ms <= 0 ? '0' : Math.round((done * 1000) / ms).toLocaleString('en-US'))

/**
 * The progress view of `command`: on a terminal, one bar per phase ('checking', 'applying', ...)
 * with counts, rate and time left, shown once the command has run for about a second; otherwise
 * a view that draws nothing and writes log lines as they come.
 */
export function progressView(command: string, flags: { json?: boolean | undefined }, stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressView {
  const plain = (line: string) => void stream.write(`${line}\n`)
  if (!showsProgress({ json: flags.json, isTTY: stream.isTTY, env })) return { onProgress: undefined, log: plain, stop: () => {} }
  let bars: cliProgress.MultiBar | undefined
  let bar: { phase: string; bar: cliProgress.SingleBar } | undefined
  let latest: Progress | undefined
  // When the latest phase began: its rate counts from there, not from when its bar appeared.
  let since = performance.now()
  const delay = delayOf(env)
  let shown = delay === 0
  let stopped = false
  const draw = () => {
    if (!latest || latest.total === 0 || stopped) return
    bars ??= new cliProgress.MultiBar(
      { stream, format: `revmeta ${command}: {phase} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`, barsize: 30, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    )
    const payload = { phase: latest.phase, rate: rateOf(latest.done, performance.now() - since) }
    if (bar?.phase !== latest.phase) {
      // A new phase gets its own bar; the finished one stays drawn above it.
      bar = { phase: latest.phase, bar: bars.create(latest.total, latest.done, payload) }
      return
    }
    bar.bar.setTotal(latest.total)
    bar.bar.update(latest.done, payload)
  }
  const timer = setTimeout(() => {
    shown = true
    draw()
  }, delay)
  timer.unref()
  return {
    onProgress: (progress) => {
      if (progress.phase !== latest?.phase) since = performance.now()
      latest = progress
      if (shown) draw()
    },
    log: (line) => (bars ? bars.log(`${line}\n`) : plain(line)),
    stop: () => {
      clearTimeout(timer)
      if (stopped) return
      stopped = true
      if (!bars) return
      // stop() draws the bars but drops lines still waiting for a redraw: one redraw writes them first.
      bars.update()
      bars.stop()
    },
  }
}

/** Runs `fn` with the progress view of `command`, and stops the view however `fn` ends. */
export async function withProgress<T>(command: string, flags: { json?: boolean | undefined }, fn: (view: ProgressView) => Promise<T>): Promise<T> {
  const view = progressView(command, flags)
  try {
    return await fn(view)
  } finally {
    view.stop()
  }
}
