import { marked } from 'marked'
import { useState } from 'react'
import { api, may } from '../api'
import type { Me } from '../app'
import { ErrorBox, Section, Status, usePoll } from '../ui'

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
/** Markdown preview of text the user typed: HTML in it is shown as text, links only http(s). */
const markdown = (text: string) => (marked.parse(escapeHtml(text), { async: false }) as string).replace(/href="(?!https?:)[^"]*"/gi, 'href="#"')

interface Field {
  readonly entity: any
  readonly collection: string
  readonly fqn: string
  /** JSON Patch path prefix: '' for the entity, /columns/i for a column. */
  readonly path: string
  readonly value: any
}

/** The newest operation for this asset and kind since `since`, from Recent Runs: the edit's result beside the field. */
async function resultFor(fqn: string, kind: string, since: number) {
  const { runs } = await api('GET', '/api/v1/revmeta/runs?limit=10')
  for (const run of runs) {
    if (new Date(run.startedAt).getTime() < since - 2000) continue
    const detail = await api('GET', `/api/v1/revmeta/runs/${run.id}`)
    const op = detail.operations.find((o: any) => o.asset === fqn && o.kind === kind)
    if (op) return { runId: run.id, ...op }
  }
  return undefined
}

function Editable({ field, me, onSaved }: { field: Field; me: Me; onSaved: () => void }) {
  const [description, setDescription] = useState<string>(field.value.description ?? '')
  const [tags, setTags] = useState<string>((field.value.tags ?? []).map((t: any) => t.tagFQN).join(', '))
  const [owners, setOwners] = useState<string>((field.value.owners ?? []).map((o: any) => o.name).join(', '))
  const [error, setError] = useState<unknown>()
  const [result, setResult] = useState<any>()
  const editor = may(me.role, 'editor')
  const save = async (kind: 'description' | 'tags' | 'owners') => {
    setError(undefined)
    const since = Date.now()
    const csv = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean)
    const value = kind === 'description' ? description : kind === 'tags' ? csv(tags).map((tagFQN) => ({ tagFQN, source: 'Classification', labelType: 'Manual', state: 'Confirmed' })) : csv(owners).map((name) => ({ type: 'user', name }))
    try {
      await api('PATCH', `/api/v1/${field.collection}/${field.entity.id}`, [{ op: 'add', path: `${field.path}/${kind}`, value }], 'application/json-patch+json')
      setResult({ status: 'queued' })
      onSaved()
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 1000))
        const found = await resultFor(field.fqn, kind, since)
        if (found) {
          setResult(found)
          if (found.status !== 'queued') break
        }
      }
    } catch (e) {
      setError(e)
    }
  }
  return (
    <div className="editable" data-fqn={field.fqn}>
      <div className="row">
        <textarea aria-label={`description of ${field.fqn}`} value={description} onChange={(e) => setDescription(e.target.value)} disabled={!editor} />
        <div className="markdown" dangerouslySetInnerHTML={{ __html: markdown(description) }} />
      </div>
      {editor && <button onClick={() => save('description')}>Save description</button>}
      <label>Tags <input aria-label={`tags of ${field.fqn}`} value={tags} onChange={(e) => setTags(e.target.value)} disabled={!editor} /></label>
      {editor && <button onClick={() => save('tags')}>Save tags</button>}
      {field.path === '' && (
        <>
          <label>Owners <input aria-label={`owners of ${field.fqn}`} value={owners} onChange={(e) => setOwners(e.target.value)} disabled={!editor} /></label>
          {editor && <button onClick={() => save('owners')}>Save owners</button>}
        </>
      )}
      {result && (
        <div className="result">
          <Status status={result.status} /> {result.runId && <a href={`#/run/${result.runId}`}>run {result.runId}</a>}
          {result.statements?.length > 0 && <code className="sql">{result.statements.join('; ')}</code>}
          {result.error && <span className="code">{result.error.code}</span>}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  )
}

export function CatalogPage({ me }: { me: Me }) {
  const [path, setPath] = useState<{ service?: string; database?: string; schema?: string; table?: string }>({})
  const services = usePoll(() => api('GET', '/api/v1/revmeta/services'), 0).data?.services ?? []
  const list = usePoll(async () => {
    if (path.table) return { table: await api('GET', `/api/v1/tables/name/${encodeURIComponent(path.table)}?fields=columns,tags,owners`) }
    if (path.schema) return { items: (await api('GET', `/api/v1/tables?databaseSchema=${encodeURIComponent(path.schema)}&limit=1000&fields=tags,owners`)).data, next: 'table', collection: 'tables' }
    if (path.database) return { items: (await api('GET', `/api/v1/databaseSchemas?database=${encodeURIComponent(path.database)}&limit=1000&fields=tags,owners`)).data, next: 'schema', collection: 'databaseSchemas' }
    if (path.service) return { items: (await api('GET', `/api/v1/databases?service=${encodeURIComponent(path.service)}&limit=1000&fields=tags,owners`)).data, next: 'database', collection: 'databases' }
    return {}
  }, 0, [JSON.stringify(path)])
  const crumbs = [
    ['Services', {}],
    ...(path.service ? [[path.service, { service: path.service }]] : []),
    ...(path.database ? [[path.database.split('.').pop(), { service: path.service, database: path.database }]] : []),
    ...(path.schema ? [[path.schema.split('.').pop(), { service: path.service, database: path.database, schema: path.schema }]] : []),
    ...(path.table ? [[path.table.split('.').pop(), path]] : []),
  ] as [string, typeof path][]
  const data: any = list.data
  return (
    <Section title="Catalog">
      <div className="crumbs">{crumbs.map(([label, p], i) => <span key={i}>{i > 0 && ' › '}<a href="#/catalog" onClick={(e) => (e.preventDefault(), setPath(p))}>{label}</a></span>)}</div>
      <ErrorBox error={list.error} />
      {!path.service && <ul>{services.map((s: any) => <li key={s.name}><a href="#/catalog" onClick={(e) => (e.preventDefault(), setPath({ service: s.name }))}>{s.name}</a> <small>{s.engine}</small></li>)}</ul>}
      {data?.items && (
        <ul className="entities">
          {data.items.map((e: any) => (
            <li key={e.id}>
              <a href="#/catalog" onClick={(ev) => (ev.preventDefault(), setPath({ ...path, [data.next]: e.fullyQualifiedName }))}>{e.name}</a>
              <details>
                <summary>edit</summary>
                <Editable field={{ entity: e, collection: data.collection, fqn: e.fullyQualifiedName, path: '', value: e }} me={me} onSaved={() => {}} />
              </details>
            </li>
          ))}
        </ul>
      )}
      {data?.table && (
        <>
          <h3>{data.table.fullyQualifiedName}</h3>
          <Editable field={{ entity: data.table, collection: 'tables', fqn: data.table.fullyQualifiedName, path: '', value: data.table }} me={me} onSaved={() => {}} />
          <h3>Columns</h3>
          {data.table.columns.map((c: any, i: number) => (
            <div key={c.name} className="column">
              <h4>{c.name} <small>{c.dataType}</small></h4>
              <Editable field={{ entity: data.table, collection: 'tables', fqn: c.fullyQualifiedName ?? `${data.table.fullyQualifiedName}.${c.name}`, path: `/columns/${i}`, value: c }} me={me} onSaved={() => {}} />
            </div>
          ))}
        </>
      )}
    </Section>
  )
}
