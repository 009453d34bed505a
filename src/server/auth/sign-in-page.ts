import { createHash } from 'node:crypto'
import type { FastifyReply } from 'fastify'

/**
 * The page a browser gets, with status 401, for the web app without a credential. It is the only
 * HTML served to nobody in particular, so it holds nothing but a form: no data, no asset to fetch
 * (inline CSS and JS, allowed by hash in a CSP that allows nothing else), no version.
 *
 * The script first asks whether a session exists: a SameSite=Strict cookie is not sent on a
 * navigation from another site (a link in a chat), but is on this page's own request, so a signed-in
 * person arriving that way is taken on to the app. It goes on to the app's page, never back to a
 * sign-in link's URL, which would refuse again (and loop). Sign-in posts JSON only: a cross-site form cannot
 * send it without a CORS preflight this server never grants, so nobody can sign a browser in to
 * their own session (login CSRF).
 */
const style = `body{font:16px/1.5 system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#f4f5f7;color:#1d2330}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:min(24rem,90vw)}
h1{margin:0 0 .5rem;font-size:1.4rem}label{display:block;margin:1rem 0 .25rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}
.notice{color:#a11;min-height:1.5em}code{background:#eef;padding:0 .2em}`

const script = `(function () {
  var form = document.getElementById('sign-in'), notice = document.getElementById('notice')
  var page = location.pathname === '/' || location.pathname === '/index.html'
  var go = function () { location.replace(page ? location.href : '/') }
  fetch('/api/v1/revmeta/session', { credentials: 'same-origin' }).then(function (r) { if (r.ok) go() }, function () {})
  form.addEventListener('submit', function (e) {
    e.preventDefault()
    var token = form.elements.token.value
    notice.textContent = ''
    fetch('/api/v1/revmeta/session', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token }) })
      .then(function (r) {
        if (r.ok) return go()
        form.elements.token.value = ''
        return r.json().then(function (b) { notice.textContent = (b && b.error && b.error.message) || 'Sign-in refused.' }, function () { notice.textContent = 'Sign-in refused (' + r.status + ').' })
      }, function () { notice.textContent = 'The server did not answer.' })
  })
})()`

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

/** Allows this page's own inline style and script, same-origin fetches, and nothing else. */
export const signInPageCsp = [
  "default-src 'none'",
  `script-src ${hashOf(script)}`,
  `style-src ${hashOf(style)}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The page's HTML; `notice` is a fixed sentence of ours (an expired link), escaped all the same. */
export function signInPageHtml(notice = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>revmeta: sign in</title>
<style>${style}</style>
</head>
<body>
<form id="sign-in" method="post" action="/api/v1/revmeta/session">
<h1>revmeta</h1>
<p>Sign in with an API token (<code>revmeta token create --role viewer</code>) or a one-time sign-in link.</p>
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in</button>
<p id="notice" class="notice" role="alert">${escapeHtml(notice)}</p>
<noscript><p>Signing in needs JavaScript.</p></noscript>
</form>
<script>${script}</script>
</body>
</html>
`
}

/** Answers 401 with the sign-in page; never cached, never framed, never sniffed as anything else. */
export function sendSignInPage(reply: FastifyReply, notice?: string): FastifyReply {
  return reply
    .code(401)
    .header('content-security-policy', signInPageCsp)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(signInPageHtml(notice))
}
