import { RevmetaError } from '../../errors/revmeta-error.js'
import type { Statement, UnitResult } from '../connector.js'
import { checkUnit, joinScript } from '../kit/sql-batch.js'

/**
 * Batching for MySQL, where every DDL statement commits on its own: a multi-statement script
 * that fails has still applied everything before the failing statement, and the server runs
 * nothing after it. So the generic "roll back, then run one by one" of sql-batch.ts would apply
 * the successful units twice. Instead, each unit is followed by a marker SELECT; the markers that
 * came back say exactly which units completed, the failure belongs to the first unit without
 * one, and only the units after it are sent again. A unit of several statements is not atomic
 * here: when its second statement fails, its first has already committed.
 */

/** The column of the marker rows; no metadata statement returns it. */
export const unitMarker = 'revmeta_unit_done'

/** What one script did: the marker numbers seen, and the error that stopped it, if any. */
export interface ScriptOutcome {
  readonly done: ReadonlySet<number>
  readonly error?: unknown
}

export interface MysqlBatchOptions {
  /** The MySQL database every statement must name. */
  readonly database: string
  /** Most statements (markers not counted) per round trip; a unit is never split. */
  readonly batchSize: number
  readonly runScript: (sql: string) => Promise<ScriptOutcome>
  readonly classify: (error: unknown) => RevmetaError
}

/** The units' statements, each unit closed by a marker that numbers it within the script. */
export function markedScript(units: readonly (readonly Statement[])[]): string {
  return units.map((unit, k) => `${joinScript(unit)}\nSELECT ${k} AS ${unitMarker}\n;`).join('\n')
}

export async function executeMysqlBatches(units: readonly (readonly Statement[])[], options: MysqlBatchOptions): Promise<UnitResult[]> {
  const results: (UnitResult | undefined)[] = units.map((unit) => checkUnit(unit, options.database))
  let pending = units.flatMap((_, index) => (results[index] === undefined ? [index] : []))
  let lost: RevmetaError | undefined
  while (pending.length > 0) {
    const batch = takeBatch(pending, units, options.batchSize)
    pending = pending.slice(batch.length)
    if (lost !== undefined) {
      for (const index of batch) results[index] = { ok: false, error: notAttempted(lost) }
      continue
    }
    let outcome: ScriptOutcome
    try {
      outcome = await options.runScript(markedScript(batch.map((index) => units[index] ?? [])))
    } catch (error) {
      outcome = { done: new Set(), error }
    }
    const open = batch.findIndex((_, k) => !outcome.done.has(k))
    const completed = open < 0 ? batch : batch.slice(0, open)
    for (const index of completed) results[index] = { ok: true }
    if (open < 0) continue
    if (outcome.error === undefined) {
      // The script ended cleanly but some markers never came back (a template's unclosed comment).
      for (const index of batch.slice(open)) results[index] = { ok: false, error: unconfirmed(options.database) }
      continue
    }
    const error = options.classify(outcome.error)
    if (error.code === 'CONNECTION_FAILED') lost = error
    results[batch[open]!] = { ok: false, error }
    // The server ran nothing after the failing statement: those units go back to the front of the queue.
    pending = [...batch.slice(open + 1), ...pending]
  }
  return results.map((result) => result ?? { ok: true })
}

/** The first pending units that fit in one round trip, at least one. */
function takeBatch(pending: readonly number[], units: readonly (readonly Statement[])[], batchSize: number): number[] {
  const size = Math.max(1, Math.floor(batchSize))
  const batch: number[] = []
  let count = 0
  for (const index of pending) {
    const length = units[index]?.length ?? 0
    if (batch.length > 0 && count + length > size) break
    batch.push(index)
    count += length
  }
  return batch
}

function notAttempted(lost: RevmetaError): RevmetaError {
  return new RevmetaError('CONNECTION_FAILED', `Not attempted: the connection was lost earlier in this batch (${lost.message})`, {
    details: lost.details,
    cause: lost,
    retryable: lost.retryable,
  })
}

function unconfirmed(database: string): RevmetaError {
  return new RevmetaError('SQL_FAILED', 'The server finished the batch without confirming this unit ran; a statement may have swallowed the rest of the script (an unclosed comment?)', {
    details: { database },
  })
}
