import { RevmetaError } from '../../errors/revmeta-error.js'
import type { Statement, UnitResult } from '../connector.js'

export interface SqlBatchOptions {
  /** The database the connection is on: every statement must name it. */
  readonly database: string
  /** Most statements sent in one round trip; a unit is never split across round trips. */
  readonly batchSize: number
  /**
   * Runs a script of several statements as one implicit transaction (PostgreSQL's simple-query
   * protocol does): when it throws, nothing in it took effect.
   */
  readonly runScript?: (sql: string) => Promise<void>
  /**
   * Runs statements as one request that is all or nothing, for drivers that send bound values
   * beside the text (SQL Server): used instead of runScript when given.
   */
  readonly runStatements?: (statements: readonly Statement[]) => Promise<void>
  /** Turns whatever the driver threw into a coded error. */
  readonly classify: (error: unknown) => RevmetaError
}

/**
 * Joins statements so each ends on its own line: a trailing `-- comment` in a custom template
 * then cannot swallow the separator and merge two statements.
 */
export function joinScript(statements: readonly Statement[]): string {
  // One join over the plain texts: a template per statement would make a rope each, flattened again by the join.
  if (statements.length === 0) return ''
  return `${statements.map(sqlOf).join('\n;\n')}\n;`
}

/** checkUnit turns away API requests before any script is built, so this never throws in practice. */
function sqlOf(statement: Statement): string {
  if (statement.kind !== 'sql') throw new RevmetaError('INTERNAL', `An API request (${statement.display}) cannot run as SQL`)
  // Bound values live beside the text: pasted into a script they would be lost.
  if (statement.params !== undefined) throw new RevmetaError('INTERNAL', 'A statement with bound values cannot join a plain SQL script')
  return statement.sql
}

/**
 * Runs units in as few round trips as possible. A batch that fails is rolled back as a whole,
 * so its units are then run one at a time: the failure is pinned on the exact unit and every
 * other unit still applies. Once the connection itself is lost, the remaining units are not
 * attempted (each would wait for its own connect timeout) and fail as retryable.
 */
export async function executeSqlBatches(units: readonly (readonly Statement[])[], options: SqlBatchOptions): Promise<UnitResult[]> {
  const results: (UnitResult | undefined)[] = units.map((unit) => checkUnit(unit, options.database))
  const send = async (statements: readonly Statement[]): Promise<void> => {
    if (options.runStatements !== undefined) return options.runStatements(statements)
    if (options.runScript === undefined) throw new RevmetaError('INTERNAL', 'executeSqlBatches needs runScript or runStatements')
    return options.runScript(joinScript(statements))
  }
  let lost: RevmetaError | undefined

  const runUnits = async (indexes: readonly number[]): Promise<void> => {
    for (const index of indexes) {
      if (lost !== undefined) {
        results[index] = { ok: false, error: notAttempted(lost) }
        continue
      }
      const unit = units[index] ?? []
      try {
        await send(unit)
        results[index] = { ok: true }
      } catch (error) {
        const coded = options.classify(error)
        if (coded.code === 'CONNECTION_FAILED') lost = coded
        results[index] = { ok: false, error: coded }
      }
    }
  }

  for (const batch of planBatches(units, results, options.batchSize)) {
    if (lost !== undefined || batch.length === 1) {
      await runUnits(batch)
      continue
    }
    try {
      await send(batch.flatMap((index) => units[index] ?? []))
      for (const index of batch) results[index] = { ok: true }
    } catch (error) {
      const coded = options.classify(error)
      if (coded.code === 'CONNECTION_FAILED') lost = coded
      await runUnits(batch)
    }
  }
  return results.map((result) => result ?? { ok: true })
}

/** Groups the indexes of units still to run into batches of at most `batchSize` statements. */
function planBatches(units: readonly (readonly Statement[])[], results: readonly (UnitResult | undefined)[], batchSize: number): number[][] {
  const size = Math.max(1, Math.floor(batchSize))
  const batches: number[][] = []
  let current: number[] = []
  let count = 0
  units.forEach((unit, index) => {
    if (results[index] !== undefined) return
    if (current.length > 0 && count + unit.length > size) {
      batches.push(current)
      current = []
      count = 0
    }
    current.push(index)
    count += unit.length
  })
  if (current.length > 0) batches.push(current)
  return batches
}

/** Settles units that need no round trip: empty ones succeed, misrouted ones fail. */
export function checkUnit(unit: readonly Statement[], database: string): UnitResult | undefined {
  if (unit.length === 0) return { ok: true }
  const stray = unit.find((statement) => statement.kind !== 'sql' || statement.database !== database)
  if (stray === undefined) return undefined
  const where = stray.kind === 'sql' ? `database ${JSON.stringify(stray.database)}` : `endpoint ${JSON.stringify(stray.endpoint)} (an API request)`
  return {
    ok: false,
    error: new RevmetaError('INTERNAL', `A statement for ${where} was sent to a connection to ${JSON.stringify(database)}`, {
      details: { database, statementDatabase: stray.kind === 'sql' ? stray.database : stray.endpoint },
    }),
  }
}

function notAttempted(lost: RevmetaError): RevmetaError {
  return new RevmetaError('CONNECTION_FAILED', `Not attempted: the connection was lost earlier in this batch (${lost.message})`, {
    details: lost.details,
    cause: lost,
    retryable: lost.retryable,
  })
}
