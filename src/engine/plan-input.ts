import type { RevmetaConfig } from '../config/load-config.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { NormalizeResult } from '../inputs/normalize-result.js'
import { assetFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'
import type { Change } from '../model/change.js'
import { planOperations, type RoutedChange } from '../planning/planner.js'
import { errorReport, summarize, type OperationReport, type RunReport } from '../model/report.js'
import { routeChanges } from './route-changes.js'
import { resolveOwners, type OwnerLookups } from '../owners/owner-directory.js'

export interface RunInput {
  /** Events or pipeline operations read, malformed ones included. */
  readonly items: number
  readonly normalized: NormalizeResult
  /** Errors found before normalizing (unparseable JSON lines). */
  readonly readErrors?: readonly RevmetaError[]
  /** The raw events, for the durable store (deduplicated by OpenMetadata event id). */
  readonly events?: readonly { readonly id: string; readonly payload: unknown }[]
  /** The catalog's names for id-only owners (prefetchOwners); without them such an owners change fails OWNER_UNRESOLVED. */
  readonly owners?: OwnerLookups
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
  const { routed, rejected } = routeInput(config, input.normalized, ignored, input.owners)
  return { operations: planOperations(routed), ignored, rejected }
}

/**
 * Normalized input → changes routed to channels, counting what is left out in `ignored`. Shared by
 * planInput and the streaming planner (plan-event-stream.ts), which routes one event at a time.
 */
export function routeInput(config: RevmetaConfig, normalized: NormalizeResult, ignored: Record<string, number>, owners?: OwnerLookups): { routed: RoutedChange[]; rejected: OperationReport[] } {
  const templates = normalized.templates ?? {}
  // No echo: what an ingestion bot changed in the catalog came from the source in the first place.
  const echo = config.catalog.ignoreUsers
  const changes: Change[] = []
  for (const c of normalized.changes) {
    if (c.origin.user !== undefined && echo.includes(c.origin.user)) {
      const reason = `made by ${c.origin.user} (no echo)`
      ignored[reason] = (ignored[reason] ?? 0) + 1
      continue
    }
    const sqlTemplate = c.origin.source === 'pipeline' ? templates[c.origin.index] : undefined
    changes.push(sqlTemplate === undefined ? c : { ...c, sqlTemplate })
  }
  const { routed, rejected, filtered } = routeChanges(changes, config)
  for (const [reason, count] of Object.entries(filtered)) ignored[reason] = (ignored[reason] ?? 0) + count
  const reports = rejected.map(({ change, error }) => rejectedReport(change, error))
  // An owners change naming an owner by id alone fails by itself when the catalog cannot name it;
  // the event's other changes are routed on their own.
  const named = routed.flatMap((r) => {
    if (r.change.kind !== 'owners') return [r]
    const resolved = resolveOwners(r.change, owners)
    if (resolved === r.change) return [r]
    if (!(resolved instanceof RevmetaError)) return [{ ...r, change: resolved }]
    reports.push(rejectedReport(r.change, resolved, r.channel))
    return []
  })
  return { routed: named, rejected: reports }
}

function rejectedReport(change: Change, error: RevmetaError, channel = '-'): OperationReport {
  const fqn = assetFqn(change.asset)
  return {
    id: `${channel}|${fqn}|${change.kind}`,
    channel,
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
