import type { RevmetaConfig } from '../config/load-config.js'
import type { RevmetaError } from '../errors/revmeta-error.js'
import type { NormalizeResult } from '../inputs/normalize-result.js'
import { assetFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'
import { planOperations } from '../planning/planner.js'
import { errorReport, summarize, type OperationReport, type RunReport } from './report.js'
import { routeChanges } from './route-changes.js'
import { runService, type RunOptions } from './run-service.js'

export interface RunInput {
  /** Events or pipeline operations read, malformed ones included. */
  readonly items: number
  readonly normalized: NormalizeResult
  /** Errors found before normalizing (unparseable JSON lines). */
  readonly readErrors?: readonly RevmetaError[]
}

/** The whole flow for a batch of inputs: route → plan → (per service) read back, render, apply, verify. */
export async function run(config: RevmetaConfig, input: RunInput, options: RunOptions): Promise<RunReport> {
  const templates = input.normalized.templates ?? {}
  const changes = input.normalized.changes.map((c) => {
    const sqlTemplate = c.origin.source === 'pipeline' ? templates[c.origin.index] : undefined
    return sqlTemplate === undefined ? c : { ...c, sqlTemplate }
  })
  const { routed, rejected, filtered } = routeChanges(changes, config)
  const operations = planOperations(routed)
  const byService = new Map<string, Operation[]>()
  for (const op of operations) byService.set(op.service, [...(byService.get(op.service) ?? []), op])
  const channels = new Map(config.channels.map((c) => [c.name, c]))
  const perService = await Promise.all(
    config.services.filter((s) => byService.has(s.name)).map((s) => runService(s, channels, byService.get(s.name)!, options)),
  )
  const reportsById = new Map(perService.flat().map((r) => [r.id, r]))
  const reports: OperationReport[] = operations.map((op) => reportsById.get(op.id)!)
  for (const { change, error } of rejected) {
    reports.push({
      id: `-|${assetFqn(change.asset)}|${change.kind}`,
      channel: '-',
      service: change.asset.service,
      asset: assetFqn(change.asset),
      level: change.asset.level,
      kind: change.kind,
      status: 'failed',
      statements: [],
      warnings: [],
      error: errorReport(error),
      origins: [{ index: change.origin.index, eventId: change.origin.eventId, user: change.origin.user }],
    })
  }
  const inputErrors = [...(input.readErrors ?? []), ...input.normalized.errors].map(errorReport)
  const ignored = { ...input.normalized.ignored }
  for (const [reason, count] of Object.entries(filtered)) ignored[reason] = (ignored[reason] ?? 0) + count
  return {
    mode: options.apply ? 'apply' : 'plan',
    warnings: [...config.warnings],
    summary: summarize(reports, inputErrors.length),
    operations: reports,
    input: { items: input.items, changes: input.normalized.changes.length, ignored, errors: inputErrors },
  }
}
