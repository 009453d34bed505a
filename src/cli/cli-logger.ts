import pino, { type Logger } from 'pino'
import type { LogLevel } from '../model/log-levels.js'

export type { LogLevel } from '../model/log-levels.js'

/**
 * Paths pino blanks before a line is written: credentials a request or a config object may carry.
 * Our own lines never hold them; this is the net under that rule, by path, as pino redacts.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-om-signature"]',
  'req.headers["x-revmeta-csrf"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.secretKey',
  '*.webhookSecret',
  '*.privateKey',
  '*.privateKeyPassphrase',
  '*.connection.password',
]

/**
 * The logger of `serve` and `worker`: JSON lines on standard error (one per request and per settled
 * batch), human-readable through pino-pretty when standard error is a terminal. `--log-level`
 * wins over the config's log.level.
 */
export function cliLogger(name: string, level: LogLevel): Logger {
  const options = { name, level, redact: { paths: redactPaths, censor: '[redacted]' } }
  if (process.stderr.isTTY) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } })
  return pino(options, pino.destination({ fd: 2, sync: true }))
}

/** The log line function the engine takes, on a logger. */
export const lineLog = (logger: Logger) => (line: string) => logger.info(line)

/** One line per settled batch, for the Worker's onSettled: counts by how each operation ended. */
export function batchLog(logger: Logger) {
  return (settled: readonly { readonly claimed: { readonly service: string; readonly runId: number }; readonly settlement: { readonly status: string } }[]) => {
    if (settled.length === 0) return
    const counts: Record<string, number> = {}
    for (const s of settled) counts[s.settlement.status] = (counts[s.settlement.status] ?? 0) + 1
    logger.info({ batch: { service: settled[0]!.claimed.service, runs: [...new Set(settled.map((s) => s.claimed.runId))], operations: settled.length, ...counts } }, 'batch settled')
  }
}
