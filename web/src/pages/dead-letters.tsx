import { useState } from 'react'
import { api, may } from '../api'
import type { Me } from '../app'
import { ErrorBox, Section, usePoll } from '../ui'

export function DeadLettersPage({ me }: { me: Me }) {
  const { data, error, reload } = usePoll(() => api('GET', '/api/v1/revmeta/dead-letters'), 3000)
  const [chosen, setChosen] = useState<Set<number>>(new Set())
  const [result, setResult] = useState<any>()
  const [failure, setFailure] = useState<unknown>()
  const toggle = (id: number) => setChosen((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])))
  const replay = async () => {
    try {
      setResult(await api('POST', '/api/v1/revmeta/dead-letters/replay', { ids: [...chosen] }))
      setChosen(new Set())
      reload()
    } catch (e) {
      setFailure(e)
    }
  }
  const byId = new Map((data?.operations ?? []).map((o: any) => [o.storeId, o]))
  return (
    <Section title="Dead letters" actions={may(me.role, 'admin') ? <button onClick={replay} disabled={chosen.size === 0}>Replay selected ({chosen.size})</button> : null}>
      <ErrorBox error={error ?? failure} />
      {result && <p className="notice">Re-queued {result.requeued} as <a href={`#/run/${result.runId}`}>run {result.runId}</a>.</p>}
      {data && data.groups.length === 0 && <p>No dead letters.</p>}
      {data?.groups.map((g: any) => (
        <div key={g.code} className="group">
          <h3><span className="code">{g.code}</span> · {g.count}</h3>
          <p className="hint">{g.summary} <b>Fix:</b> {g.fix}</p>
          <table>
            <tbody>
              {g.ids.map((id: number) => {
                const op: any = byId.get(id)
                return (
                  <tr key={id}>
                    <td>{may(me.role, 'admin') && <input type="checkbox" aria-label={`select ${op?.asset}`} checked={chosen.has(id)} onChange={() => toggle(id)} />}</td>
                    <td>{op?.asset}</td><td>{op?.kind}</td><td>{op?.error?.message}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ))}
    </Section>
  )
}
