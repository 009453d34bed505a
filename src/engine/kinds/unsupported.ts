import { RevmetaError } from '../../errors/revmeta-error.js'
import { assetFqn } from '../../model/fqn.js'
import type { Operation } from '../../model/operation.js'

export function unsupported(op: Operation, why: string): RevmetaError {
  return new RevmetaError('UNSUPPORTED', why, { details: { asset: assetFqn(op.asset), kind: op.kind, level: op.asset.level } })
}
