// Loaded with `node --import ./test/support/network-guard.mjs` (or NODE_OPTIONS) in a child process:
// every TCP connection or DNS lookup that is not loopback is refused and written down, so a test
// can prove a cloud SDK never reached a metadata server (169.254.169.254, metadata.google.internal)
// or anything else off the machine. The refused targets go, one per line, to the file named by
// REVMETA_NETWORK_GUARD_LOG (append), and to stderr.
import dns from 'node:dns'
import fs from 'node:fs'
import net from 'node:net'

const logFile = process.env.REVMETA_NETWORK_GUARD_LOG

function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true // Node's default is localhost
  const h = String(host).replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true
  if (/^::ffff:127\./.test(h)) return true
  return /^127\.\d+\.\d+\.\d+$/.test(h)
}

function refuse(what) {
  const line = `network-guard: refused ${what}\n`
  try { process.stderr.write(line) } catch {}
  if (logFile) { try { fs.appendFileSync(logFile, `${what}\n`) } catch {} }
}

function refusal(what) {
  const error = new Error(`network-guard: ${what} is not loopback`)
  error.code = 'ENETUNREACH'
  return error
}

const originalConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() hands over its normalized form: [options, callback]
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  let host
  let path
  if (first !== null && typeof first === 'object') { host = first.host ?? first.hostname; path = first.path }
  else if (typeof first === 'string' && Number.isNaN(Number(first))) path = first
  else host = typeof args[1] === 'string' ? args[1] : undefined
  if (typeof path !== 'string' || path === '') path = undefined
  if (path === undefined && !isLoopbackHost(host)) {
    const port = typeof first === 'object' && first !== null ? first.port : first
    refuse(`${host}:${port}`)
    process.nextTick(() => this.destroy(refusal(`${host}:${port}`)))
    return this
  }
  return originalConnect.apply(this, args)
}

const originalLookup = dns.lookup
dns.lookup = function guardedLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback
  if (!isLoopbackHost(hostname)) {
    refuse(`dns ${hostname}`)
    process.nextTick(() => cb(refusal(`dns ${hostname}`)))
    return {}
  }
  return originalLookup.call(this, hostname, options, callback)
}
const originalPromisesLookup = dns.promises.lookup
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!isLoopbackHost(hostname)) { refuse(`dns ${hostname}`); throw refusal(`dns ${hostname}`) }
  return originalPromisesLookup.call(this, hostname, options)
}
