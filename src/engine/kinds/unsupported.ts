import type { Dialect } from '../../connectors/connector.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { assetFqn } from '../../model/fqn.js'
import type { Operation } from '../../model/operation.js'

export function unsupported(op: Operation, why: string, dialect?: Dialect): RevmetaError {
  const reason = dialect?.unsupportedReasons?.[op.kind]
  return new RevmetaError('UNSUPPORTED', reason === undefined ? why : `${why}: ${reason}`, { details: { asset: assetFqn(op.asset), kind: op.kind, level: op.asset.level } })
}

/**
 * A field inside a nested column, on an engine that cannot write that kind there. A template is
 * no way out: its {column} names the top-level column, the very object this must never reach.
 */
export function nestedUnsupported(op: Operation, engine: string, reason?: string): RevmetaError {
  return new RevmetaError('UNSUPPORTED', `${engine} cannot write ${op.kind} on a field inside a nested column (${(op.asset.path ?? []).join('.')} of column ${JSON.stringify(op.asset.column)}); it is not written to any other column${reason === undefined ? '' : `: ${reason}`}`, {
    details: { asset: assetFqn(op.asset), kind: op.kind, level: op.asset.level, nested: true },
  })
}
