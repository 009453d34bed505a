import { useState } from 'react'
import { api } from '../api'
import { ErrorBox, Section, Status, usePoll, when } from '../ui'

const runState = (r: any) => (r.finishedAt ? (r.counts.dead > 0 ? 'failed' : 'succeeded') : 'running')
const duration = (r: any) => (r.finishedAt ? `${((new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000).toFixed(1)} s` : '…')

export function RunsPage() {
  const [filter, setFilter] = useState({ state: '', service: '', channel: '' })
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString()
  const { data, error } = usePoll(() => api('GET', `/api/v1/revmeta/runs?limit=100${query ? `&${query}` : ''}`), 2000, [query])
  const set = (key: string) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setFilter({ ...filter, [key]: e.target.value })
  return (
    <Section title="Recent Runs">
      <div className="filters">
        <select aria-label="status" value={filter.state} onChange={set('state')}>
          <option value="">any status</option>
          <option value="running">running</option>
          <option value="failed">failed</option>
          <option value="succeeded">succeeded</option>
        </select>
        <input placeholder="service" value={filter.service} onChange={set('service')} />
        <input placeholder="channel" value={filter.channel} onChange={set('channel')} />
      </div>
      <ErrorBox error={error} />
      <table className="runs">
        <thead>
          <tr><th>Run</th><th>Mode</th><th>Status</th><th>Operations</th><th>Started</th><th>Duration</th><th>Note</th></tr>
        </thead>
        <tbody>
          {data?.runs.map((r: any) => (
            <tr key={r.id}>
              <td><a href={`#/run/${r.id}`}>{r.id}</a></td>
              <td>{r.mode}</td>
              <td><Status status={runState(r)} /></td>
              <td>{['applied', 'unchanged', 'dead', 'pending', 'running', 'superseded', 'unsupported', 'skipped'].filter((k) => r.counts[k] > 0).map((k) => `${r.counts[k]} ${k === 'dead' ? 'failed' : k}`).join(', ') || '0'}</td>
              <td>{when(r.startedAt)}</td>
              <td>{duration(r)}</td>
              <td>{r.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  )
}
