import { useEffect, useState } from 'react'
import { api, may, setCsrf, type Role } from './api'
import { CatalogPage } from './pages/catalog'
import { DeadLettersPage } from './pages/dead-letters'
import { RunNowPage } from './pages/run-now'
import { RunPage } from './pages/run'
import { RunsPage } from './pages/runs'
import { ServicesPage } from './pages/services'
import { SetUpPage } from './pages/set-up'
import { SignIn } from './pages/sign-in'

export interface Me {
  readonly name: string
  readonly role: Role
  readonly csrf?: string
}

const pages: { path: string; title: string; role: Role }[] = [
  { path: 'services', title: 'Services', role: 'viewer' },
  { path: 'set-up', title: 'Set up', role: 'viewer' },
  { path: 'run-now', title: 'Run Now', role: 'editor' },
  { path: 'runs', title: 'Recent Runs', role: 'viewer' },
  { path: 'dead-letters', title: 'Dead letters', role: 'viewer' },
  { path: 'catalog', title: 'Catalog', role: 'viewer' },
]

function useHash(): string {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const on = () => setHash(location.hash)
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return hash.replace(/^#\/?/, '')
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const hash = useHash()
  useEffect(() => {
    api<Me>('GET', '/api/v1/revmeta/session').then(
      (m) => (setCsrf(m.csrf), setMe(m)),
      () => setMe(null),
    )
  }, [])
  if (me === undefined) return <p className="loading">Loading…</p>
  if (me === null) return <SignIn onSignedIn={(m) => (setCsrf(m.csrf), setMe(m))} />
  const [page, arg] = hash.split('/')
  const signOut = async () => {
    await api('DELETE', '/api/v1/revmeta/session').catch(() => {})
    setCsrf(undefined)
    setMe(null)
  }
  return (
    <div className="app">
      <nav>
        <b className="brand">revmeta</b>
        {pages.filter((p) => may(me.role, p.role)).map((p) => (
          <a key={p.path} href={`#/${p.path}`} className={page === p.path || (p.path === 'runs' && page === 'run') ? 'active' : ''}>
            {p.title}
          </a>
        ))}
        <span className="who">
          {me.name} ({me.role}) <button onClick={signOut}>Sign out</button>
        </span>
      </nav>
      <main>
        {page === 'set-up' ? <SetUpPage me={me} /> :
         page === 'run-now' ? <RunNowPage me={me} /> :
         page === 'runs' ? <RunsPage /> :
         page === 'run' ? <RunPage id={arg ?? ''} me={me} /> :
         page === 'dead-letters' ? <DeadLettersPage me={me} /> :
         page === 'catalog' ? <CatalogPage me={me} /> :
         <ServicesPage />}
      </main>
    </div>
  )
}
