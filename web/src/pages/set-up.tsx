import { useEffect, useState } from 'react'
import { api, may } from '../api'
import type { Me } from '../app'
import { ErrorBox, Section, usePoll } from '../ui'

const levels = ['database', 'schema', 'table', 'column']
const kinds = ['description', 'tags', 'tagsRemoved', 'owners', 'ownersRemoved'] as const
// OpenMetadata's defaults: descriptions and tags on, owners off.
const blank = { name: '', services: [] as string[], sync: { descriptions: true, tags: true, owners: false }, levels: [] as string[], include: '', exclude: '', classifications: '', users: '', templates: {} as Record<string, string>, schedule: '' }

function bodyOf(form: typeof blank) {
  const filter: Record<string, unknown> = {}
  if (form.levels.length > 0) filter.levels = form.levels
  const list = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean)
  if (list(form.include).length > 0) filter.include = list(form.include)
  if (list(form.exclude).length > 0) filter.exclude = list(form.exclude)
  const csv = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean)
  if (csv(form.classifications).length > 0) filter.classifications = csv(form.classifications)
  if (csv(form.users).length > 0) filter.users = csv(form.users)
  const templates = Object.fromEntries(Object.entries(form.templates).filter(([, v]) => v.trim() !== ''))
  return { ...(form.services.length > 0 ? { services: form.services } : {}), sync: form.sync, ...(Object.keys(filter).length > 0 ? { filter } : {}), templates }
}

function Preview({ form }: { form: typeof blank }) {
  const [asset, setAsset] = useState('')
  const [kind, setKind] = useState('description')
  const [value, setValue] = useState('An example description')
  const [out, setOut] = useState<any>()
  useEffect(() => {
    if (!asset) return
    const t = setTimeout(() => api('POST', '/api/v1/revmeta/template-preview', { channel: { name: form.name || 'preview', ...bodyOf(form) }, kind, asset, value }).then(setOut, (e) => setOut({ ok: false, error: e.error })), 300)
    return () => clearTimeout(t)
  }, [asset, kind, value, JSON.stringify(form)])
  return (
    <fieldset className="preview">
      <legend>Live preview</legend>
      <input placeholder="asset FQN, e.g. warehouse.shop.sales.orders.id" value={asset} onChange={(e) => setAsset(e.target.value)} size={50} />
      <select value={kind} onChange={(e) => setKind(e.target.value)}>{['description', 'tags', 'owners'].map((k) => <option key={k}>{k}</option>)}</select>
      <input placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
      {out?.statements && <pre className="sql">{out.statements.join('\n') || '(no statement)'}</pre>}
      {out?.filtered && <p className="hint">{out.filtered}</p>}
      {out?.error && (
        <div className="error template-error">
          <b>{out.error.code}</b>
          {out.error.details?.line ? ` at line ${out.error.details.line}, column ${out.error.details.column}` : ''}
          <pre>{out.error.message}</pre>
        </div>
      )}
    </fieldset>
  )
}

function Editor({ initial, services, onSaved }: { initial: typeof blank; services: string[]; onSaved: () => void }) {
  const [form, setForm] = useState(initial)
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState('')
  const save = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(undefined)
    try {
      await api('PUT', `/api/v1/revmeta/channels/${encodeURIComponent(form.name)}`, bodyOf(form))
      await api('PUT', `/api/v1/revmeta/channels/${encodeURIComponent(form.name)}/schedule`, { cron: form.schedule.trim() || null })
      setSaved(`Channel ${form.name} saved; it takes effect at once.`)
      onSaved()
    } catch (err) {
      setError(err)
    }
  }
  const toggle = (list: string[], x: string) => (list.includes(x) ? list.filter((y) => y !== x) : [...list, x])
  return (
    <form className="editor" onSubmit={save}>
      <label>Name <input name="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required /></label>
      <fieldset>
        <legend>Services (none: all)</legend>
        {services.map((s) => <label key={s}><input type="checkbox" name={`service-${s}`} checked={form.services.includes(s)} onChange={() => setForm({ ...form, services: toggle(form.services, s) })} /> {s}</label>)}
      </fieldset>
      <fieldset>
        <legend>Sync</legend>
        {(['descriptions', 'tags', 'owners'] as const).map((k) => (
          <label key={k}><input type="checkbox" name={`sync-${k}`} checked={form.sync[k]} onChange={() => setForm({ ...form, sync: { ...form.sync, [k]: !form.sync[k] } })} /> {k}</label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Filter</legend>
        {levels.map((l) => <label key={l}><input type="checkbox" checked={form.levels.includes(l)} onChange={() => setForm({ ...form, levels: toggle(form.levels, l) })} /> {l}</label>)}
        <label>Include FQN patterns (one a line)<textarea value={form.include} onChange={(e) => setForm({ ...form, include: e.target.value })} /></label>
        <label>Exclude FQN patterns<textarea value={form.exclude} onChange={(e) => setForm({ ...form, exclude: e.target.value })} /></label>
        <label>Classifications (comma-separated)<input value={form.classifications} onChange={(e) => setForm({ ...form, classifications: e.target.value })} /></label>
        <label>Only edits by these users (comma-separated)<input value={form.users} onChange={(e) => setForm({ ...form, users: e.target.value })} /></label>
      </fieldset>
      <fieldset>
        <legend>SQL templates (optional, Python f-string)</legend>
        {kinds.map((k) => <label key={k}>{k}<textarea name={`template-${k}`} value={form.templates[k] ?? ''} onChange={(e) => setForm({ ...form, templates: { ...form.templates, [k]: e.target.value } })} /></label>)}
      </fieldset>
      <label>Schedule (cron, empty: none) <input name="schedule" value={form.schedule} onChange={(e) => setForm({ ...form, schedule: e.target.value })} placeholder="0 3 * * *" /></label>
      <Preview form={form} />
      <button type="submit">Submit</button>
      {saved && <p className="notice">{saved}</p>}
      <ErrorBox error={error} />
    </form>
  )
}

function formOf(c: any): typeof blank {
  const ch = c.channel
  return { name: c.name, services: ch.services ?? [], sync: ch.sync, levels: ch.filter?.levels ?? [], include: (ch.filter?.include ?? []).join('\n'), exclude: (ch.filter?.exclude ?? []).join('\n'), classifications: (ch.filter?.classifications ?? []).join(', '), users: (ch.filter?.users ?? []).join(', '), templates: ch.templates ?? {}, schedule: c.schedule ?? '' }
}

export function SetUpPage({ me }: { me: Me }) {
  const { data, error, reload } = usePoll(() => api('GET', '/api/v1/revmeta/channels'), 0)
  const services = usePoll(() => api('GET', '/api/v1/revmeta/services'), 0).data?.services.map((s: any) => s.name) ?? []
  const [editing, setEditing] = useState<typeof blank>()
  const admin = may(me.role, 'admin')
  const remove = async (name: string) => {
    if (confirm(`Delete channel ${name}?`)) await api('DELETE', `/api/v1/revmeta/channels/${encodeURIComponent(name)}`).then(reload)
  }
  return (
    <Section title="Set up: channels" actions={admin ? <button onClick={() => setEditing({ ...blank })}>New channel</button> : null}>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>Channel</th><th>Source</th><th>Services</th><th>Sync</th><th>Schedule</th><th></th></tr></thead>
        <tbody>
          {data?.channels.map((c: any) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.readOnly ? 'YAML (read-only)' : `app (${c.updatedBy ?? ''})`}</td>
              <td>{c.channel.services.join(', ')}</td>
              <td>{Object.entries(c.channel.sync).filter(([, v]) => v).map(([k]) => k).join(', ')}</td>
              <td>{c.schedule ?? ''}</td>
              <td>{admin && !c.readOnly && <><button onClick={() => setEditing(formOf(c))}>Edit</button> <button onClick={() => remove(c.name)}>Delete</button></>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.warnings?.map((w: string) => <p key={w} className="hint">{w}</p>)}
      {editing && <Editor key={editing.name} initial={editing} services={services} onSaved={() => { reload(); }} />}
    </Section>
  )
}
