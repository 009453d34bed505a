import type { OwnerMapping } from '../config/config-schema.js'
import type { Dialect, ObjectState, ObjectType, StateSnapshot, Statement } from '../connectors/connector.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import type { Level } from '../model/asset.js'
import { assetFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'
import { chooseSingleOwner, mapOwner } from '../owners/map-owner.js'

/** An operation checked against the source and rendered; pure, so plan and apply share it. */
export interface PreparedOperation {
  readonly op: Operation
  readonly outcome: 'ready' | 'unchanged' | 'unsupported' | 'failed'
  readonly statements: readonly Statement[]
  readonly desired?: string | null
  readonly current?: string | null
  readonly error?: RevmetaError
  readonly warnings: readonly string[]
  /** Does a state read back carry the desired value? Used to skip and to verify. */
  readonly inPlace: (state: ObjectState | undefined) => boolean
}

const assumedType: Record<Level, ObjectType> = { database: 'database', schema: 'schema', table: 'table', column: 'column' }

interface Desired {
  readonly value: string | null
  readonly read: (state: ObjectState) => string | null | undefined
  readonly render: (dialect: Dialect, objectType: ObjectType) => Statement[]
  readonly warnings: string[]
}

function unsupported(op: Operation, why: string): RevmetaError {
  return new RevmetaError('UNSUPPORTED', why, { details: { asset: assetFqn(op.asset), kind: op.kind, level: op.asset.level } })
}

function desiredState(op: Operation, dialect: Dialect, owners: OwnerMapping): Desired {
  const caps = dialect.capabilities
  switch (op.kind) {
    case 'description': {
      if (!caps.descriptionLevels.includes(op.asset.level)) throw unsupported(op, `${dialect.name} has no ${op.asset.level} descriptions`)
      const text = op.description === '' && caps.emptyDescriptionIsNull ? null : op.description
      const max = caps.maxDescriptionLength[op.asset.level]
      if (text !== null && max !== undefined && [...text].length > max) {
        throw new RevmetaError('VALUE_INVALID', `The description of ${assetFqn(op.asset)} has ${[...text].length} characters; ${dialect.name} allows ${max} at ${op.asset.level} level`, {
          details: { asset: assetFqn(op.asset), length: [...text].length, max },
        })
      }
      return {
        value: text,
        read: (s) => (s.description === '' && caps.emptyDescriptionIsNull ? null : s.description),
        render: (d, objectType) => d.renderDescription({ asset: op.asset, objectType }, text),
        warnings: [],
      }
    }
    case 'owners': {
      if (!caps.ownerLevels.includes(op.asset.level)) throw unsupported(op, `${dialect.name} has no ${op.asset.level} owners`)
      if (op.add.length === 0) {
        throw new RevmetaError('OWNER_REMOVAL_UNSUPPORTED', `Owners were only removed from ${assetFqn(op.asset)}; ${dialect.name} keeps one owner on every object, so the current owner stays`, {
          details: { asset: assetFqn(op.asset), removed: op.remove.map((o) => o.name).join(', ') },
        })
      }
      const { chosen, dropped } = chooseSingleOwner(op.add)
      const principal = mapOwner(chosen!, owners)
      const warnings = dropped.length > 0 ? [`${dialect.name} keeps one owner per object: set ${chosen!.type} ${chosen!.name}, not ${dropped.map((o) => `${o.type} ${o.name}`).join(', ')}`] : []
      return {
        value: principal,
        read: (s) => s.owner,
        render: (d, objectType) => d.renderOwner({ asset: op.asset, objectType }, principal),
        warnings,
      }
    }
    case 'tags':
      throw unsupported(op, `${dialect.name} has no native tags${caps.tagLevels.length > 0 ? ` at ${op.asset.level} level` : ''}`)
  }
}

function notFound(op: Operation): RevmetaError {
  return new RevmetaError('OBJECT_NOT_FOUND', `${op.asset.level} ${assetFqn(op.asset)} does not exist in the source`, {
    details: { asset: assetFqn(op.asset), level: op.asset.level },
  })
}

/**
 * Decides what one operation needs: nothing (in place), nothing possible (unsupported, missing),
 * or statements. `snapshot` is undefined when planning offline: then object types are assumed.
 */
export function prepareOperation(op: Operation, dialect: Dialect, owners: OwnerMapping, snapshot: StateSnapshot | undefined): PreparedOperation {
  let desired: Desired
  try {
    desired = desiredState(op, dialect, owners)
  } catch (err) {
    const error = toRevmetaError(err)
    return { op, outcome: error.code === 'UNSUPPORTED' || error.code === 'OWNER_REMOVAL_UNSUPPORTED' ? 'unsupported' : 'failed', statements: [], error, warnings: [], inPlace: () => false }
  }
  const inPlace = (state: ObjectState | undefined) => state !== undefined && desired.read(state) === desired.value
  const base = { op, desired: desired.value, warnings: desired.warnings, inPlace }
  const state = snapshot?.get(assetFqn(op.asset))
  if (snapshot && !state) return { ...base, outcome: 'failed', statements: [], error: notFound(op) }
  const current = state ? desired.read(state) ?? null : undefined
  if (state && inPlace(state)) return { ...base, current, outcome: 'unchanged', statements: [] }
  try {
    const statements = desired.render(dialect, state?.objectType ?? assumedType[op.asset.level])
    return { ...base, current, outcome: 'ready', statements }
  } catch (err) {
    return { ...base, current, outcome: 'failed', statements: [], error: toRevmetaError(err) }
  }
}
