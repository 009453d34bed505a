import { useState } from 'react'
import { api } from '../api'
import type { Me } from '../app'
import { ErrorBox } from '../ui'

/** Exchanges an API token for a session cookie; the token is never kept by the page. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [token, setToken] = useState('')
  const [error, setError] = useState<unknown>()
  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    try {
      const me = await api<Me>('POST', '/api/v1/revmeta/session', { token })
      setToken('')
      onSignedIn(me)
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="sign-in" onSubmit={submit}>
      <h1>revmeta</h1>
      <p>Sign in with an API token (<code>revmeta token create --role admin</code>).</p>
      <label>
        API token <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
      </label>
      <button type="submit">Sign in</button>
      <ErrorBox error={error} />
    </form>
  )
}
