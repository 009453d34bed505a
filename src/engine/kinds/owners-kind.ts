import { capabilitiesOf } from '../../connectors/connector.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { assetFqn } from '../../model/fqn.js'
import type { OwnersOperation } from '../../model/operation.js'
import { chooseSingleOwner, mapOwner } from '../../owners/map-owner.js'
import type { Desired, KindContext } from './kind-context.js'
import { renderTemplate } from './render-template.js'
import { unsupported } from './unsupported.js'

const label = (o: { type: string; name: string }) => `${o.type} ${o.name}`

/** With a template every owner is written (the template decides where); built in, the engine's cardinality rules. */
function templated({ op, dialect, owners, channel }: KindContext<OwnersOperation>): Desired | undefined {
  const { owners: added, ownersRemoved: removed } = channel.compiled
  if (!added && !removed) return undefined
  const add = op.add.map((o) => mapOwner(o, owners))
  const remove = op.remove.map((o) => mapOwner(o, owners))
  const warnings: string[] = []
  if (!added && add.length > 0) warnings.push(`no owners template: added owners ${add.join(', ')} not written`)
  if (!removed && remove.length > 0) warnings.push(`no ownersRemoved template: removed owners ${remove.join(', ')} not written`)
  return {
    value: add.join(', ') || null,
    warnings,
    render: () => [
      ...(added ? add.map((owner) => renderTemplate(added, op.asset, dialect, { owner })) : []),
      ...(removed ? remove.map((owner) => renderTemplate(removed, op.asset, dialect, { owner })) : []),
    ],
  }
}

/** The one owner a one-owner engine is given, written by the dialect's owners renderer. */
function setOwner({ op, dialect }: KindContext<OwnersOperation>, principal: string, warnings: string[]): Desired {
  return { value: principal, warnings, read: (s) => s.owner, render: (objectType, definition) => dialect.owners!.render({ asset: op.asset, objectType, definition }, principal) }
}

/**
 * Where the engine drops an object's permissions with its owner, the change is announced loudly
 * and refused unless the channel opted in: a lost GRANT is an outage nobody asked for.
 */
function permissionDropWarnings({ op, dialect, channel }: KindContext<OwnersOperation>): string[] {
  if (!(capabilitiesOf(dialect).ownerChangeDropsPermissions ?? []).includes(op.asset.level)) return []
  const what = `changing the owner of ${assetFqn(op.asset)} makes ${dialect.name} DROP EVERY PERMISSION granted on it`
  if (!channel.options.owners.allowPermissionDrop) {
    throw new RevmetaError('OWNER_DROPS_PERMISSIONS', `Not written: ${what}; set options.owners.allowPermissionDrop: true on channel ${channel.name} to accept that`, {
      details: { asset: assetFqn(op.asset), engine: dialect.name, channel: channel.name },
    })
  }
  return [`${what} (allowed by options.owners.allowPermissionDrop): grant them again afterwards`]
}

export function describeOwners(ctx: KindContext<OwnersOperation>): Desired {
  const custom = templated(ctx)
  if (custom) return custom
  const { op, dialect, owners, channel } = ctx
  if (!capabilitiesOf(dialect).ownerLevels.includes(op.asset.level)) throw unsupported(op, `${dialect.name} has no ${op.asset.level} owners`, dialect)
  const loud = permissionDropWarnings(ctx)
  if (op.principal !== undefined) return setOwner(ctx, op.principal, loud)
  const fallback = dialect.owners?.fallbackPrincipal
  if (op.add.length === 0 && fallback !== undefined) return setOwner(ctx, fallback, [...loud, `every owner was removed: ${dialect.name} keeps one owner, so the configured fallback ${fallback} is set`])
  if (op.add.length === 0) {
    throw new RevmetaError('OWNER_REMOVAL_UNSUPPORTED', `Owners were only removed from ${assetFqn(op.asset)}; ${dialect.name} keeps one owner on every object, so the current owner stays`, {
      details: { asset: assetFqn(op.asset), removed: op.remove.map((o) => o.name).join(', ') },
    })
  }
  const { chosen, dropped } = chooseSingleOwner(op.add, channel.options.owners.choose)
  const warnings = [...loud, ...(dropped.length > 0 ? [`${dialect.name} keeps one owner per object: set ${label(chosen!)}, not ${dropped.map(label).join(', ')}`] : [])]
  return setOwner(ctx, mapOwner(chosen!, owners), warnings)
}
