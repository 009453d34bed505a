import { useState } from 'react'
import { api } from '../api'
import type { Me } from '../app'
import { ErrorBox, Section, Status, usePoll } from '../ui'

const shown = (v: unknown) => (v === undefined ? '' : v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v))

export function RunNowPage({ me: _me }: { me: Me }) {
  const channels = usePoll(() => api('GET', '/api/v1/revmeta/channels'), 0).data?.channels ?? []
  const services = usePoll(() => api('GET', '/api/v1/revmeta/services'), 0).data?.services ?? []
  const [scope, setScope] = useState<{ channels: string[]; services: string[] }>({ channels: [], services: [] })
  const [plan, setPlan] = useState<any>()
  const [queued, setQueued] = useState<any>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const body = () => ({ ...(scope.channels.length ? { channels: scope.channels } : {}), ...(scope.services.length ? { services: scope.services } : {}) })
  const toggle = (key: 'channels' | 'services', x: string) => setScope({ ...scope, [key]: scope[key].includes(x) ? scope[key].filter((y) => y !== x) : [...scope[key], x] })
  const doPlan = async () => {
    setBusy(true), setError(undefined), setQueued(undefined)
    await api('POST', '/api/v1/revmeta/sync/plan', body()).then(setPlan, setError)
    setBusy(false)
  }
  const apply = async () => {
    setBusy(true)
    await api('POST', '/api/v1/revmeta/sync/apply', body()).then((r) => (setQueued(r), setPlan(undefined)), setError)
    setBusy(false)
  }
  return (
    <Section title="Run Now">
      <p>A batch sync: the catalog's state against the databases' state. First a plan; nothing is written until you confirm.</p>
      <fieldset><legend>Channels (none: all)</legend>{channels.map((c: any) => <label key={c.name}><input type="checkbox" checked={scope.channels.includes(c.name)} onChange={() => toggle('channels', c.name)} /> {c.name}</label>)}</fieldset>
      <fieldset><legend>Services (none: all)</legend>{services.map((s: any) => <label key={s.name}><input type="checkbox" checked={scope.services.includes(s.name)} onChange={() => toggle('services', s.name)} /> {s.name}</label>)}</fieldset>
      <button onClick={doPlan} disabled={busy}>Plan</button>
      <ErrorBox error={error} />
      {queued && <p className="notice">Queued {queued.queued} operation(s) as <a href={`#/run/${queued.runId}`}>run {queued.runId}</a>.</p>}
      {plan && (
        <>
          <p>{plan.operations.length} object(s) drift; {plan.unchanged} already in place.</p>
          <table>
            <thead><tr><th>Status</th><th>Asset</th><th>Kind</th><th>Current</th><th>Desired</th><th>Statements</th></tr></thead>
            <tbody>
              {plan.operations.map((o: any) => (
                <tr key={o.id}><td><Status status={o.status} /></td><td>{o.asset}</td><td>{o.kind}</td><td>{shown(o.current)}</td><td>{shown(o.desired)}</td><td><pre className="sql">{o.statements.join('\n')}</pre>{o.error && <span className="code">{o.error.code}</span>}</td></tr>
              ))}
            </tbody>
          </table>
          <button className="danger" onClick={apply} disabled={busy || plan.operations.length === 0}>Apply {plan.operations.length} change(s)</button>
        </>
      )}
    </Section>
  )
}
