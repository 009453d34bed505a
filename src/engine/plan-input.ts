import type { RevmetaConfig } from '../config/load-config.js'
import type { RevmetaError } from '../errors/revmeta-error.js'
import type { NormalizeResult } from '../inputs/normalize-result.js'
import { assetFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'
import type { Change } from '../model/change.js'
import { planOperations, type RoutedChange } from '../planning/planner.js'
import { errorReport, summarize, type OperationReport, type RunReport } from '../model/report.js'
import { routeChanges } from './route-changes.js'

export interface RunInput {
  /** Events or pipeline operations read, malformed ones included. */
  readonly items: number
  readonly normalized: NormalizeResult
  /** Errors found before normalizing (unparseable JSON lines). */
  readonly readErrors?: readonly RevmetaError[]
  /** The raw events, for the durable store (deduplicated by OpenMetadata event id). */
  readonly events?: readonly { readonly id: string; readonly payload: unknown }[]
}

export interface PlannedInput {
  readonly operations: Operation[]
  /** Changes no channel could take (unknown service): reported as failed, never queued. */
  readonly rejected: OperationReport[]
  readonly ignored: Record<string, number>
}

/** Input → routed → coalesced operations: the part of a run that needs no database. */
export function planInput(config: RevmetaConfig, input: RunInput): PlannedInput {
  const ignored = { ...input.normalized.ignored }
  const { routed, rejected } = routeInput(config, input.normalized, ignored)
  return { operations: planOperations(routed), ignored, rejected }
}

/**
 * Normalized input → changes routed to channels, counting what is left out in `ignored`. Shared by
 * planInput and the streaming planner (plan-event-stream.ts), which routes one event at a time.
 */
export function routeInput(config: RevmetaConfig, normalized: NormalizeResult, ignored: Record<string, number>): { routed: RoutedChange[]; rejected: OperationReport[] } {
  const templates = normalized.templates ?? {}
  // No echo: what an ingestion bot changed in the catalog came from the source in the first place.
  const echo = config.catalog.ignoreUsers
  const changes = normalized.changes.flatMap((c) => {
    if (c.origin.user !== undefined && echo.includes(c.origin.user)) {
      const reason = `made by ${c.origin.user} (no echo)`
      ignored[reason] = (ignored[reason] ?? 0) + 1
      return []
    }
    const sqlTemplate = c.origin.source === 'pipeline' ? templates[c.origin.index] : undefined
    return [sqlTemplate === undefined ? c : { ...c, sqlTemplate }]
  })
  const { routed, rejected, filtered } = routeChanges(changes, config)
  for (const [reason, count] of Object.entries(filtered)) ignored[reason] = (ignored[reason] ?? 0) + count
  return { routed, rejected: rejected.map(({ change, error }) => rejectedReport(change, error)) }
}

function rejectedReport(change: Change, error: RevmetaError): OperationReport {
  const fqn = assetFqn(change.asset)
  return {
    id: `-|${fqn}|${change.kind}`,
    channel: '-',
    service: change.asset.service,
    asset: fqn,
    level: change.asset.level,
    kind: change.kind,
    status: 'failed',
    statements: [],
    warnings: [],
    error: errorReport(error),
    origins: [{ index: change.origin.index, eventId: change.origin.eventId, user: change.origin.user }],
  }
}

/** The report every run returns, whichever executor produced the operation reports. */
export function runReport(config: RevmetaConfig, input: RunInput, planned: PlannedInput, mode: RunReport['mode'], reports: readonly OperationReport[], extra: { runId?: number } = {}): RunReport {
  const read = { items: input.items, changes: input.normalized.changes.length, ignored: planned.ignored, errors: [...(input.readErrors ?? []), ...input.normalized.errors] }
  return reportOf(config, read, planned.rejected, mode, reports, extra)
}

/** What was read from the input, for the report: counts and every error met while reading it. */
export interface InputFacts {
  readonly items: number
  readonly changes: number
  readonly ignored: Record<string, number>
  readonly errors: readonly RevmetaError[]
}

/** The report from its parts: shared by whole-input and streamed runs. */
export function reportOf(config: RevmetaConfig, read: InputFacts, rejected: readonly OperationReport[], mode: RunReport['mode'], reports: readonly OperationReport[], extra: { runId?: number } = {}): RunReport {
  const inputErrors = read.errors.map(errorReport)
  const operations = [...reports, ...rejected]
  return {
    mode,
    ...extra,
    warnings: [...config.warnings],
    summary: summarize(operations, inputErrors.length),
    operations,
    input: { items: read.items, changes: read.changes, ignored: read.ignored, errors: inputErrors },
  }
}
