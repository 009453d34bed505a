import { useEffect, useState, type ReactNode } from 'react'
import { ApiFailure } from './api'

/** Polls `load` every `everyMs` (0: once) and re-runs when `deps` change. */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): { data?: T; error?: unknown; reload: () => void } {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<unknown>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    const run = () => load().then((d) => live && (setData(d), setError(undefined)), (e) => live && setError(e))
    run()
    const timer = everyMs > 0 ? setInterval(run, everyMs) : undefined
    return () => {
      live = false
      if (timer) clearInterval(timer)
    }
  }, [...deps, tick])
  return { data, error, reload: () => setTick((t) => t + 1) }
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null
  if (error instanceof ApiFailure) {
    const where = error.error.details && 'line' in error.error.details ? ` (line ${error.error.details.line}, column ${error.error.details.column})` : ''
    return (
      <div className="error" role="alert">
        <b>{error.error.code}</b>
        {where}: <pre>{error.error.message}</pre>
      </div>
    )
  }
  return <div className="error" role="alert">{String((error as Error).message ?? error)}</div>
}

export function Status({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{status}</span>
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section>
      <header className="section-head">
        <h2>{title}</h2>
        <div>{actions}</div>
      </header>
      {children}
    </section>
  )
}

export const when = (d?: string | null) => (d ? new Date(d).toLocaleString() : '')
