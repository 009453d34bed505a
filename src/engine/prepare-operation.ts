import type { OwnerMapping } from '../config/config-schema.js'
import type { ResolvedChannel } from '../config/load-config.js'
import { assumedObjectType, capabilitiesOf, type Dialect, type ObjectState, type StateSnapshot, type Statement } from '../connectors/connector.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import { operationFqn, type Operation } from '../model/operation.js'
import { compileChannelTemplates } from '../channels/compile-channel-templates.js'
import { describeDescription } from './kinds/description-kind.js'
import type { Desired, KindContext } from './kinds/kind-context.js'
import { describeOwners } from './kinds/owners-kind.js'
import { describeTags } from './kinds/tags-kind.js'
import { resolveOperationColumn } from './resolve-column.js'

/** An operation checked against the source and rendered; pure, so plan and apply share it. */
export interface PreparedOperation {
  readonly op: Operation
  readonly outcome: 'ready' | 'unchanged' | 'unsupported' | 'skipped' | 'failed'
  readonly statements: readonly Statement[]
  readonly desired?: string | null
  readonly current?: string | null
  readonly error?: RevmetaError
  readonly warnings: readonly string[]
  /** Does a state read back carry the desired value? Undefined when that cannot be judged (templates). */
  readonly inPlace?: (state: ObjectState | undefined) => boolean
}

const notPossible = new Set(['UNSUPPORTED', 'OWNER_REMOVAL_UNSUPPORTED', 'TAG_SCHEMA_UNKNOWN'])
/**
 * Codes a renderer throws when it finds, only with the object's read-back facts, that it cannot
 * write the object at all. Other render-time refusals stay failures (a MySQL column offline).
 */
export const unsupportedWhenRendered = new Set(['TAG_SCHEMA_UNKNOWN'])

const templateKey = { description: 'description', tags: 'tags', owners: 'owners' } as const

/** A pipeline operation's own SQLTemplate replaces the channel's template for its kind. */
function withOwnTemplate(op: Operation, channel: ResolvedChannel): ResolvedChannel {
  if (op.sqlTemplate === undefined) return channel
  const key = templateKey[op.kind]
  const compiled = compileChannelTemplates({ [key]: op.sqlTemplate }, `SQLTemplate of ${op.origins.at(-1)?.eventId ?? 'the pipeline operation'}`)
  return { ...channel, compiled: { ...channel.compiled, [key]: compiled[key] } }
}

function describe(ctx: KindContext): Desired {
  switch (ctx.op.kind) {
    case 'description':
      return describeDescription(ctx as KindContext<typeof ctx.op>)
    case 'owners':
      return describeOwners(ctx as KindContext<typeof ctx.op>)
    case 'tags':
      return describeTags(ctx as KindContext<typeof ctx.op>)
  }
}

function notFound(op: Operation): RevmetaError {
  const fqn = operationFqn(op)
  return new RevmetaError('OBJECT_NOT_FOUND', `${op.asset.level} ${fqn} does not exist in the source`, {
    details: { asset: fqn, level: op.asset.level },
  })
}

/**
 * Decides what one operation needs: nothing (in place, skipped), nothing possible (unsupported,
 * missing), or statements. `snapshot` is undefined when planning offline: object types are then
 * assumed from levels.
 */
export function prepareOperation(spelled: Operation, dialect: Dialect, owners: OwnerMapping, channel: ResolvedChannel, snapshot: StateSnapshot | undefined): PreparedOperation {
  // An engine with nested fields for any kind reads them back: a leaf name is settled against them
  // for every kind, so one it cannot write there is unsupported, never the top-level namesake's.
  const resolution = resolveOperationColumn(spelled, snapshot, spelled.kind !== 'owners' && capabilitiesOf(dialect).nestedFieldKinds !== undefined)
  const op = resolution.op
  if ('error' in resolution) return prepared(op, 'failed', none, undefined, undefined, resolution.error, noWarnings, undefined)
  const state = snapshot?.get(operationFqn(op))
  let desired: Desired
  try {
    desired = describe({ op, dialect, owners, channel: withOwnTemplate(op, channel), state })
  } catch (err) {
    const error = toRevmetaError(err)
    return prepared(op, notPossible.has(error.code) ? 'unsupported' : 'failed', none, undefined, undefined, error, resolution.warnings, undefined)
  }
  const { value, read } = desired
  const warnings = resolution.warnings.length === 0 ? desired.warnings : [...resolution.warnings, ...desired.warnings]
  const inPlace = read ? (s: ObjectState | undefined) => s !== undefined && read(s) === value : undefined
  if (desired.skip) return prepared(op, 'skipped', none, value, undefined, undefined, [...warnings, desired.skip], inPlace)
  if (snapshot && !state) return prepared(op, 'failed', none, value, undefined, notFound(op), warnings, inPlace)
  const current = state && read ? (read(state) ?? null) : undefined
  if (state && inPlace?.(state)) return prepared(op, 'unchanged', none, value, current, undefined, warnings, inPlace)
  try {
    const statements = desired.render(state?.objectType ?? assumedObjectType[op.asset.level], state?.definition)
    return prepared(op, 'ready', statements, value, current, undefined, warnings, inPlace)
  } catch (err) {
    const error = toRevmetaError(err)
    return prepared(op, unsupportedWhenRendered.has(error.code) ? 'unsupported' : 'failed', none, value, current, error, warnings, inPlace)
  }
}

const none: readonly Statement[] = Object.freeze([])
const noWarnings: readonly string[] = Object.freeze([])

// Every prepared operation has the same fields in the same order: tens of thousands are made per
// run, and one object shape keeps the code that reads them fast.
function prepared(
  op: Operation,
  outcome: PreparedOperation['outcome'],
  statements: readonly Statement[],
  desired: string | null | undefined,
  current: string | null | undefined,
  error: RevmetaError | undefined,
  warnings: readonly string[],
  inPlace: PreparedOperation['inPlace'],
): PreparedOperation {
  return { op, outcome, statements, desired, current, error, warnings, inPlace }
}
