import type { SqlStatement, Statement } from '../connector.js'

const quotedName = '"(?:[^"]|"")*"'
// `ALTER TABLE|VIEW "D"."S"."T" ALTER COLUMN "C" <action>`, exactly as the dialect renders it:
// every name quoted, so the pattern cannot be fooled by a name that holds the keywords.
const columnComment = new RegExp(`^(ALTER (?:TABLE|VIEW) ${quotedName}\\.${quotedName}\\.${quotedName}) ALTER COLUMN (${quotedName} (?:COMMENT '.*'|UNSET COMMENT))$`, 's')

/** A run of units to send as one statement, or one unit to send as it is. */
export interface SnowflakeBatch {
  /** Indexes of the units the batch carries. */
  readonly units: readonly number[]
  readonly statements: readonly Statement[]
  /** True when several units were merged into one statement: on failure each is rerun alone. */
  readonly merged: boolean
}

/**
 * Merges consecutive one-statement column-comment units of the same relation into one
 * `ALTER TABLE t ALTER COLUMN a COMMENT 'x', COLUMN b COMMENT 'y'`: one round trip and one DDL
 * for many columns. At most `maxColumns` columns go in one statement.
 */
export function planSnowflakeBatches(units: readonly (readonly Statement[])[], maxColumns: number): SnowflakeBatch[] {
  const batches: SnowflakeBatch[] = []
  let run: { head: string; first: SqlStatement; indexes: number[]; clauses: string[] } | undefined
  const flush = (): void => {
    if (run === undefined) return
    if (run.indexes.length === 1) batches.push({ units: run.indexes, statements: [run.first], merged: false })
    else batches.push({ units: run.indexes, statements: [{ ...run.first, sql: `${run.head} ALTER COLUMN ${run.clauses.join(', COLUMN ')}` }], merged: true })
    run = undefined
  }
  units.forEach((unit, index) => {
    const only = unit.length === 1 && unit[0]?.kind === 'sql' ? unit[0] : undefined
    const match = only !== undefined ? columnComment.exec(only.sql) : null
    if (only === undefined || match === null) {
      flush()
      batches.push({ units: [index], statements: unit, merged: false })
      return
    }
    const head = match[1] ?? ''
    const clause = match[2] ?? ''
    if (run !== undefined && (run.head !== head || run.first.database !== only.database || run.clauses.length >= maxColumns)) flush()
    const current = (run ??= { head, first: only, indexes: [], clauses: [] })
    current.indexes.push(index)
    current.clauses.push(clause)
  })
  flush()
  return batches
}
