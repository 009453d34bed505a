import { useState } from 'react'
import { api, may } from '../api'
import type { Me } from '../app'
import { ErrorBox, Section, Status, usePoll, when } from '../ui'

const shown = (v: unknown) => (v === undefined ? '(not known)' : v === null ? '(none)' : String(v))

function Rollback({ id }: { id: string }) {
  const [preview, setPreview] = useState<any>()
  const [done, setDone] = useState<any>()
  const [error, setError] = useState<unknown>()
  const ask = () => api('GET', `/api/v1/revmeta/runs/${id}/rollback`).then(setPreview, setError)
  const confirm = () => api('POST', `/api/v1/revmeta/runs/${id}/rollback`).then(setDone, setError)
  if (done) return <p className="notice">Rollback queued as <a href={`#/run/${done.runId}`}>run {done.runId}</a> ({done.restoring} to restore).</p>
  return (
    <div className="rollback">
      {!preview && <button onClick={ask}>Roll back this run…</button>}
      {preview && (
        <div className="confirm">
          <h3>Roll back run {id}: this will restore</h3>
          <table>
            <thead><tr><th>Asset</th><th>Kind</th><th>Now</th><th>Restored to</th></tr></thead>
            <tbody>
              {preview.restore.map((r: any, i: number) => <tr key={i}><td>{r.asset}</td><td>{r.kind}</td><td>{shown(r.current)}</td><td>{shown(r.restore)}</td></tr>)}
            </tbody>
          </table>
          {preview.skipped.length > 0 && <p className="hint">{preview.skipped.length} left out (custom template, tags, or no recorded previous value).</p>}
          <button className="danger" onClick={confirm} disabled={preview.restore.length === 0}>Confirm rollback</button> <button onClick={() => setPreview(undefined)}>Cancel</button>
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  )
}

export function RunPage({ id, me }: { id: string; me: Me }) {
  const { data, error } = usePoll(() => api('GET', `/api/v1/revmeta/runs/${encodeURIComponent(id)}`), 2000, [id])
  const run = data?.run
  return (
    <Section title={`Run ${id}`} actions={run && may(me.role, 'admin') && run.mode !== 'rollback' ? <Rollback id={id} /> : null}>
      <ErrorBox error={error} />
      {run && (
        <p>
          {run.mode} · started {when(run.startedAt)} · {data.progress.finished ? `finished ${when(run.finishedAt)}` : <b>running: {data.progress.settled} of {data.progress.total} settled</b>} {run.note ? `· ${run.note}` : ''}
        </p>
      )}
      {run && !data.progress.finished && <progress max={data.progress.total || 1} value={data.progress.settled} />}
      {data?.operations.map((op: any) => (
        <article key={op.storeId} className="operation" data-asset={op.asset}>
          <h3>
            <Status status={op.status} /> {op.asset} <small>{op.kind} · channel {op.channel} · {op.attempts} attempt(s)</small>
          </h3>
          {op.error && (
            <div className="error">
              <b className="code">{op.error.code}</b>: {op.error.message}
              {op.fix && <div className="fix">Fix: {op.fix}</div>}
            </div>
          )}
          {op.statements.length > 0 && <pre className="sql">{op.statements.join('\n')}</pre>}
          {op.audit.length > 0 && (
            <table>
              <thead><tr><th>Attempt</th><th>Statement</th><th>Before</th><th>After</th><th>Outcome</th></tr></thead>
              <tbody>
                {op.audit.map((a: any, i: number) => <tr key={i}><td>{a.attempt}</td><td><code>{a.statement}</code></td><td>{shown(a.before)}</td><td>{shown(a.after)}</td><td>{a.outcome}</td></tr>)}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </Section>
  )
}
