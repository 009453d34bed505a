/**
 * A Node `--import` hook, as a data: URL, that appends the destination of every socket a process
 * opens to the file named by REVMETA_SOCKET_LOG: how the wire tests prove that a `revmeta` child
 * process running snowflake-sdk talks to loopback and nothing else.
 */
const hook = `
import net from 'node:net'
import { appendFileSync } from 'node:fs'
const original = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  const host = typeof first === 'object' && first !== null ? (first.host ?? first.path ?? 'localhost') : String(args[1] ?? 'localhost')
  appendFileSync(process.env.REVMETA_SOCKET_LOG, host + '\\n')
  return original.apply(this, args)
}
`

export const socketLogImport = `--import=data:text/javascript,${encodeURIComponent(hook)}`
