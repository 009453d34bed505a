import { useState } from 'react'
import { api } from '../api'
import { ErrorBox, Section, usePoll, when } from '../ui'

function Check({ name }: { name: string }) {
  const [state, setState] = useState<any>()
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    setState(await api('GET', `/api/v1/revmeta/services/${encodeURIComponent(name)}/check`).catch((e) => ({ ok: false, error: { code: 'REQUEST', message: String(e.message) } })))
    setBusy(false)
  }
  return (
    <span>
      <button onClick={run} disabled={busy}>{busy ? 'Checking…' : 'Check'}</button>{' '}
      {state && (state.ok ? <span className="status status-applied">connected{state.version ? ` (${state.version})` : ''}</span> : <span className="status status-failed" title={state.error?.message}>{state.error?.code}</span>)}
      {state?.findings?.filter((f: any) => !f.held).map((f: any, i: number) => <div key={i} className="hint">missing {f.privilege} on {f.object}{f.grant ? <code>{f.grant}</code> : null}</div>)}
    </span>
  )
}

export function ServicesPage() {
  const { data, error } = usePoll(() => api('GET', '/api/v1/revmeta/services'), 5000)
  return (
    <Section title="Services">
      <ErrorBox error={error} />
      <table>
        <thead>
          <tr><th>Service</th><th>Engine</th><th>Tier</th><th>Channels</th><th>Assets (catalog)</th><th>Last run</th><th>Connection</th></tr>
        </thead>
        <tbody>
          {data?.services.map((s: any) => (
            <tr key={s.name}>
              <td>{s.name}</td>
              <td>{s.engine}</td>
              <td title="live: tested against the real engine; wire: the official client against a local endpoint; golden: statements only">{s.tier ?? '—'}</td>
              <td>{s.channels.join(', ')}</td>
              <td>{s.assets.databases} db · {s.assets.schemas} schemas · {s.assets.tables} tables · {s.assets.columns} columns</td>
              <td>{s.lastRun ? <a href={`#/run/${s.lastRun.runId}`}>run {s.lastRun.runId}</a> : '—'} {when(s.lastRun?.at)}</td>
              <td><Check name={s.name} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  )
}
