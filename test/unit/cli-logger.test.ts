import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { batchLog, redactPaths } from '../../src/cli/cli-logger.js'

/** The log's net under the no-secrets rule: credentials blanked by path, whatever code logs them. */
function capture(): { logger: pino.Logger; lines: () => Record<string, any>[] } {
  const chunks: string[] = []
  const stream = new Writable({ write: (chunk, _enc, done) => (chunks.push(chunk.toString()), done()) })
  const logger = pino({ level: 'info', redact: { paths: redactPaths, censor: '[redacted]' } }, stream)
  return { logger, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) }
}

describe('the CLI logger', () => {
  it('redacts tokens, cookies, CSRF tokens, passwords and secrets by path', () => {
    const { logger, lines } = capture()
    logger.info({
      req: { headers: { authorization: 'Bearer rvm_secret', cookie: 'revmeta_session=abc', 'x-revmeta-csrf': 'csrf-value', 'x-om-signature': 'sha256=sig' } },
      res: { headers: { 'set-cookie': 'revmeta_session=abc' } },
      service: { connection: { password: 'hunter2' } },
      catalog: { token: 'om-token', webhookSecret: 'whs' },
    })
    const text = JSON.stringify(lines())
    for (const secret of ['rvm_secret', 'revmeta_session=abc', 'csrf-value', 'sha256=sig', 'hunter2', 'om-token', 'whs']) expect(text).not.toContain(secret)
    expect(lines()[0]!.req.headers.authorization).toBe('[redacted]')
  })

  it('writes one line per settled batch with counts by outcome', () => {
    const { logger, lines } = capture()
    const settled = (status: string) => ({ claimed: { service: 'pg', runId: 7 }, settlement: { status } })
    batchLog(logger)([settled('applied'), settled('applied'), settled('dead')])
    batchLog(logger)([])
    expect(lines()).toEqual([expect.objectContaining({ msg: 'batch settled', batch: { service: 'pg', runs: [7], operations: 3, applied: 2, dead: 1 } })])
  })
})
