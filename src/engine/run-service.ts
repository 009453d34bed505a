import type { ResolvedChannel, ServiceConfig } from '../config/load-config.js'
import type { ConnectorClient, Dialect, StateSnapshot } from '../connectors/connector.js'
import { loadConnector } from '../connectors/registry.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import { assetFqn } from '../model/fqn.js'
import type { Operation } from '../model/operation.js'
import { executeUnits, type RetryPolicy } from './execute-units.js'
import { prepareOperation, type PreparedOperation } from './prepare-operation.js'
import { errorReport, type OperationReport } from './report.js'

export interface RunOptions {
  /** Send the statements; otherwise only plan. */
  readonly apply: boolean
  /** Plan without connecting: nothing read back, object types assumed from levels. */
  readonly offline: boolean
  readonly retry?: RetryPolicy
}

function toReport(p: PreparedOperation): OperationReport {
  const report: OperationReport = {
    id: p.op.id,
    channel: p.op.channel,
    service: p.op.service,
    asset: assetFqn(p.op.asset),
    level: p.op.asset.level,
    kind: p.op.kind,
    status: p.outcome === 'ready' ? 'planned' : p.outcome,
    statements: p.statements.map((s) => s.sql),
    warnings: [...p.warnings],
    origins: p.op.origins.map((o) => ({ index: o.index, eventId: o.eventId, user: o.user })),
  }
  if (p.desired !== undefined) report.desired = p.desired
  if (p.current !== undefined) report.current = p.current
  if (p.error) report.error = errorReport(p.error)
  return report
}

function fail(report: OperationReport, error: RevmetaError): void {
  report.status = 'failed'
  report.error = errorReport(error)
}

const preview = (value: string | null | undefined) =>
  value === null || value === undefined ? 'nothing' : JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

async function applyAndVerify(client: ConnectorClient, prepared: PreparedOperation[], reports: OperationReport[], verify: boolean, retry?: RetryPolicy): Promise<void> {
  const byDatabase = new Map<string, number[]>()
  prepared.forEach((p, i) => {
    if (p.outcome !== 'ready') return
    const database = p.statements[0]!.database
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), i])
  })
  const applied: number[] = []
  for (const [database, indexes] of byDatabase) {
    const { results, attempts } = await executeUnits(client, database, indexes.map((i) => prepared[i]!.statements), retry)
    results.forEach((result, k) => {
      const i = indexes[k]!
      if (attempts[k]! > 1) reports[i]!.warnings.push(`succeeded or failed after ${attempts[k]} attempts`)
      if (result.ok) {
        reports[i]!.status = 'applied'
        applied.push(i)
      } else fail(reports[i]!, result.error)
    })
  }
  const checkable = applied.filter((i) => prepared[i]!.inPlace !== undefined)
  for (const i of applied) if (!prepared[i]!.inPlace) reports[i]!.warnings.push('custom template: the effect is not read back, so it is not verified')
  if (checkable.length === 0 || !verify) return
  let after: StateSnapshot
  try {
    after = await client.readBack(checkable.map((i) => prepared[i]!.op.asset))
  } catch (err) {
    const why = toRevmetaError(err, 'CONNECTION_FAILED').message
    for (const i of checkable) reports[i]!.warnings.push(`applied, but not verified: reading back failed (${why})`)
    return
  }
  for (const i of checkable) {
    const p = prepared[i]!
    const state = after.get(assetFqn(p.op.asset))
    if (p.inPlace!(state)) {
      reports[i]!.verified = true
      continue
    }
    const found = state === undefined ? 'the object is gone' : `read back ${preview(p.op.kind === 'owners' ? state.owner : state.description)}`
    fail(reports[i]!, new RevmetaError('VERIFY_MISMATCH', `${assetFqn(p.op.asset)}: wrote ${preview(p.desired)} but ${found}`, { details: { asset: assetFqn(p.op.asset), kind: p.op.kind } }))
  }
}

/** Plans (and with `apply`, applies and verifies) every operation of one service. */
export async function runService(service: ServiceConfig, channels: ReadonlyMap<string, ResolvedChannel>, ops: readonly Operation[], options: RunOptions): Promise<OperationReport[]> {
  const connector = await loadConnector(service.type)
  if (!connector) throw new RevmetaError('CONFIG_INVALID', `Unknown connector ${service.type}`)
  let dialect: Dialect = connector.createDialect(service.connection)
  const prepare = (op: Operation, snapshot: StateSnapshot | undefined) => prepareOperation(op, dialect, service.owners, channels.get(op.channel)!, snapshot)
  const needsSource = ops.length > 0 && !(options.offline && !options.apply)
  let client: ConnectorClient | undefined
  let snapshot: StateSnapshot | undefined
  try {
    if (needsSource) {
      client = await connector.createClient(service.connection, { service: service.name, dialect })
      if (client.sessionFacts) dialect = connector.createDialect(service.connection, await client.sessionFacts())
      if (dialect.capabilities.readBack) snapshot = await client.readBack(ops.map((o) => o.asset))
    }
  } catch (err) {
    await client?.close().catch(() => undefined)
    const error = toRevmetaError(err, 'CONNECTION_FAILED')
    return ops.map((op) => {
      const report = toReport(prepare(op, undefined))
      if (report.status === 'planned') fail(report, error)
      return report
    })
  }
  try {
    const prepared = ops.map((op) => prepare(op, snapshot))
    const reports = prepared.map(toReport)
    if (options.apply && client) await applyAndVerify(client, prepared, reports, dialect.capabilities.readBack, options.retry)
    return reports
  } finally {
    await client?.close()
  }
}
