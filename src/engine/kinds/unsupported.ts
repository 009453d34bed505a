import type { Dialect } from '../../connectors/connector.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { assetFqn } from '../../model/fqn.js'
import type { Operation } from '../../model/operation.js'

export function unsupported(op: Operation, why: string, dialect?: Dialect): RevmetaError {
  const reason = dialect?.unsupportedReasons?.[op.kind]
  return new RevmetaError('UNSUPPORTED', reason === undefined ? why : `${why}: ${reason}`, { details: { asset: assetFqn(op.asset), kind: op.kind, level: op.asset.level } })
}
