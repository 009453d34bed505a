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

export function describeOwners(ctx: KindContext<OwnersOperation>): Desired {
  const custom = templated(ctx)
  if (custom) return custom
  const { op, dialect, owners, channel } = ctx
  if (!capabilitiesOf(dialect).ownerLevels.includes(op.asset.level)) throw unsupported(op, `${dialect.name} has no ${op.asset.level} owners`)
  if (op.principal !== undefined) return setOwner(ctx, op.principal, [])
  const fallback = dialect.owners?.fallbackPrincipal
  if (op.add.length === 0 && fallback !== undefined) return setOwner(ctx, fallback, [`every owner was removed: ${dialect.name} keeps one owner, so the configured fallback ${fallback} is set`])
  if (op.add.length === 0) {
    throw new RevmetaError('OWNER_REMOVAL_UNSUPPORTED', `Owners were only removed from ${assetFqn(op.asset)}; ${dialect.name} keeps one owner on every object, so the current owner stays`, {
      details: { asset: assetFqn(op.asset), removed: op.remove.map((o) => o.name).join(', ') },
    })
  }
  const { chosen, dropped } = chooseSingleOwner(op.add, channel.options.owners.choose)
  const warnings = dropped.length > 0 ? [`${dialect.name} keeps one owner per object: set ${label(chosen!)}, not ${dropped.map(label).join(', ')}`] : []
  return setOwner(ctx, mapOwner(chosen!, owners), warnings)
}
