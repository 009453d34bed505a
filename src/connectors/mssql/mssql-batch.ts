import { RevmetaError } from '../../errors/revmeta-error.js'
import type { BoundParam, Statement } from '../../model/statement.js'
import { paramPrefix } from './mssql-dialect.js'

/** One request to send: the batch text and every value it binds. */
export interface MssqlScript {
  readonly text: string
  readonly params: readonly BoundParam[]
}

const placeholder = new RegExp(`${paramPrefix}(\\w+)`, 'g')

/**
 * Joins statements into one request that is all or nothing: a transaction under TRY/CATCH (the
 * sp_*extendedproperty procedures report errors with RAISERROR, which XACT_ABORT alone does not
 * roll back). Each statement's placeholders are renamed `@rm<i>_...`, so several statements bind
 * their own values in one request. Placeholders only ever occur in SQL the dialect wrote, where
 * every catalog value is a parameter, so the renaming cannot touch catalog text.
 */
export function mssqlScript(statements: readonly Statement[], setup: readonly string[]): MssqlScript {
  const params: BoundParam[] = []
  const bodies = statements.map((statement, i) => {
    if (statement.kind !== 'sql') throw new RevmetaError('INTERNAL', `An API request (${statement.display}) cannot run on SQL Server`)
    if (statement.params === undefined) return statement.sql
    for (const p of statement.params) params.push({ ...p, name: `rm${i}_${p.name}` })
    return statement.sql.replace(placeholder, (_, name: string) => `@rm${i}_${name}`)
  })
  const body = bodies.map((sql) => `${sql};`).join('\n')
  const text = [...setup.map((sql) => `${sql};`), 'SET XACT_ABORT ON;', 'BEGIN TRY', 'BEGIN TRANSACTION;', body, 'COMMIT TRANSACTION;', 'END TRY', 'BEGIN CATCH', 'IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;', 'THROW;', 'END CATCH'].join('\n')
  return { text, params }
}

/**
 * Whether a unit may share a request with others: only statements the dialect bound (extended
 * properties). Owner changes and custom templates run in a request of their own, as written.
 */
export function isBatchable(unit: readonly Statement[]): boolean {
  return unit.length > 0 && unit.every((statement) => statement.kind === 'sql' && statement.params !== undefined)
}
