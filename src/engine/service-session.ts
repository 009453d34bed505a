import type { ResolvedChannel, ServiceConfig } from '../config/load-config.js'
import { capabilitiesOf, type Connector, type ConnectorClient, type Dialect, type ObjectState, type StateSnapshot } from '../connectors/connector.js'
import { loadConnector } from '../connectors/registry.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import type { ChangeOrigin } from '../model/change.js'
import { operationFqn, type Operation } from '../model/operation.js'
import { setImmediate } from 'node:timers/promises'
import { executeUnits, type Paced, type RetryPolicy } from './execute-units.js'
import { KeyedPacer } from '../retry/keyed-pacer.js'
import { groupBy } from './group-by.js'
import { prepareOperation, unsupportedWhenRendered, type PreparedOperation } from './prepare-operation.js'
import { errorReport, type OperationReport } from '../model/report.js'
import { displayOf, routeOf } from '../model/statement.js'

export interface ProcessOptions {
  /** Send the statements; otherwise only plan. */
  readonly apply: boolean
  /** In-process retries of retryable failures; the durable queue passes one attempt and retries itself. */
  readonly retry?: RetryPolicy
  /** Called with the operations about to be sent, before anything is sent (durable audit). */
  readonly beforeSend?: (ready: readonly { op: Operation; report: OperationReport }[]) => Promise<void>
  /** Told how many more operations are settled (sent, or found needing nothing), for a progress bar. */
  readonly onDone?: (count: number) => void
}

function toReport(p: PreparedOperation): OperationReport {
  const { op } = p
  const report: OperationReport = {
    id: op.id,
    channel: op.channel,
    service: op.service,
    asset: operationFqn(op),
    level: op.asset.level,
    kind: op.kind,
    status: p.outcome === 'ready' ? 'planned' : p.outcome,
    statements: p.statements.map(displayOf),
    statementDetails: p.statements.slice(),
    warnings: p.warnings.slice(),
    origins: op.origins.map(reportedOrigin),
  }
  if (p.desired !== undefined) report.desired = p.desired
  if (p.current !== undefined) report.current = p.current
  if (p.error) report.error = errorReport(p.error)
  return report
}

const reportedOrigin = (o: ChangeOrigin) => ({ index: o.index, eventId: o.eventId, user: o.user })

function fail(report: OperationReport, error: RevmetaError): void {
  report.status = 'failed'
  report.error = errorReport(error)
}

/** Operations prepared per step of the send pipeline. */
const sendChunk = 1_000

const readBackText = (kind: Operation['kind'], state: ObjectState): string | null | undefined =>
  kind === 'owners' ? state.owner : kind === 'tags' ? state.tags?.map((t) => `${t.key}=${t.value}`).join(', ') : state.description

const preview = (value: string | null | undefined) =>
  value === null || value === undefined ? 'nothing' : JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

/**
 * One service's connector, dialect and (lazily opened) client, kept across batches so a worker
 * does not reconnect for every claim. Plan and apply, in-memory and durable, all go through
 * `process`.
 */
export class ServiceSession {
  private client?: ConnectorClient
  private dialect: Dialect
  /** The engine's own rate limit, kept across batches so a worker's next claim still counts the last one's writes. */
  private readonly paced?: Paced

  private constructor(
    readonly service: ServiceConfig,
    private readonly connector: Connector<unknown>,
    private readonly channels: ReadonlyMap<string, ResolvedChannel>,
  ) {
    this.dialect = connector.createDialect(service.connection)
    if (connector.pacing) this.paced = { pacing: connector.pacing, pacer: new KeyedPacer(connector.pacing.limit, connector.pacing.windowMs) }
  }

  static async create(service: ServiceConfig, channels: ReadonlyMap<string, ResolvedChannel>): Promise<ServiceSession> {
    const connector = await loadConnector(service.type)
    if (!connector) throw new RevmetaError('CONFIG_INVALID', `Unknown connector ${service.type}`)
    return new ServiceSession(service, connector, channels)
  }

  private async connect(): Promise<ConnectorClient> {
    if (this.client) return this.client
    const client = await this.connector.createClient(this.service.connection, { service: this.service.name, dialect: this.dialect })
    try {
      if (client.sessionFacts) this.dialect = this.connector.createDialect(this.service.connection, await client.sessionFacts())
    } catch (err) {
      await client.close().catch(() => undefined)
      throw err
    }
    this.client = client
    return client
  }

  private prepare(op: Operation, snapshot: StateSnapshot | undefined): PreparedOperation {
    return prepareOperation(op, this.dialect, this.service.owners, this.channels.get(op.channel)!, snapshot)
  }

  /** Plans without connecting: nothing read back, object types assumed from levels. */
  planOffline(ops: readonly Operation[]): OperationReport[] {
    return ops.map((op) => toReport(this.prepare(op, undefined)))
  }

  /** Reads back, prepares and (with `apply`) sends, then verifies; one report per operation, in order. */
  async process(ops: readonly Operation[], options: ProcessOptions): Promise<OperationReport[]> {
    if (ops.length === 0) return []
    let client: ConnectorClient
    let snapshot: StateSnapshot | undefined
    try {
      client = await this.connect()
      if (capabilitiesOf(this.dialect).readBack) snapshot = await client.readBack(ops.map((o) => o.asset))
    } catch (err) {
      // A broken connection is dropped so the next batch reconnects.
      await this.close()
      const error = toRevmetaError(err, 'CONNECTION_FAILED')
      const reports = ops.map((op) => {
        const report = toReport(this.prepare(op, undefined))
        // Prepared without a read-back, an operation may fail only for want of one (a MySQL column
        // needs its definition): while the read-back's own failure is retryable, that is the error
        // to report, or a dropped connection would turn into a dead letter.
        // The same holds for what a renderer finds unsupported only for want of read-back facts.
        const forWantOfReadBack = report.status === 'failed' || (report.status === 'unsupported' && unsupportedWhenRendered.has(report.error?.code ?? ''))
        if (report.status === 'planned' || (forWantOfReadBack && error.retryable)) fail(report, error)
        return report
      })
      options.onDone?.(ops.length)
      return reports
    }
    if (!options.apply) {
      const reports = ops.map((op) => toReport(this.prepare(op, snapshot)))
      options.onDone?.(ops.length)
      return reports
    }
    return this.applyAndVerify(client, ops, snapshot, options)
  }

  /**
   * Prepares and sends in chunks, one chunk in flight while the next is prepared: the engine's
   * work on a chunk then overlaps the server's on the one before, instead of all preparing
   * first and all waiting after. Each chunk's `beforeSend` still completes before it is sent.
   */
  private async applyAndVerify(client: ConnectorClient, ops: readonly Operation[], snapshot: StateSnapshot | undefined, options: ProcessOptions): Promise<OperationReport[]> {
    const prepared: PreparedOperation[] = []
    const reports: OperationReport[] = []
    const applied: number[] = []
    let sending: Promise<void> = Promise.resolve()
    let sendError: unknown
    try {
      for (let start = 0; start < ops.length; start += sendChunk) {
        const ready: number[] = []
        for (let i = start; i < Math.min(start + sendChunk, ops.length); i++) {
          const p = this.prepare(ops[i]!, snapshot)
          prepared.push(p)
          reports.push(toReport(p))
          if (p.outcome === 'ready') ready.push(i)
        }
        options.onDone?.(Math.min(start + sendChunk, ops.length) - start - ready.length)
        if (ready.length === 0) continue
        await options.beforeSend?.(ready.map((i) => ({ op: ops[i]!, report: reports[i]! })))
        await sending
        if (sendError !== undefined) throw sendError
        // Caught here and rethrown above, so a failure is never an unhandled rejection meanwhile.
        sending = this.send(client, prepared, reports, ready, applied, options).catch((err: unknown) => void (sendError = err))
        // Lets the driver take the connection and write the chunk before the next is prepared.
        await setImmediate()
      }
    } finally {
      await sending
    }
    if (sendError !== undefined) throw sendError
    await this.verify(client, prepared, reports, applied)
    return reports
  }

  private async send(client: ConnectorClient, prepared: readonly PreparedOperation[], reports: OperationReport[], ready: readonly number[], applied: number[], options: ProcessOptions): Promise<void> {
    const byRoute = groupBy(ready, (i) => routeOf(prepared[i]!.statements[0]!))
    for (const [route, indexes] of byRoute) {
      const { results, attempts } = await executeUnits(client, route, indexes.map((i) => prepared[i]!.statements), options.retry, this.paced)
      results.forEach((result, k) => {
        const i = indexes[k]!
        if (attempts[k]! > 1) reports[i]!.warnings.push(`took ${attempts[k]} attempts`)
        if (result.ok) {
          reports[i]!.status = 'applied'
          applied.push(i)
        } else fail(reports[i]!, result.error)
      })
      options.onDone?.(indexes.length)
    }
  }

  /** Reads back what was applied and checks each value landed as written. */
  private async verify(client: ConnectorClient, prepared: readonly PreparedOperation[], reports: OperationReport[], applied: readonly number[]): Promise<void> {
    const checkable = applied.filter((i) => prepared[i]!.inPlace !== undefined)
    for (const i of applied) if (!prepared[i]!.inPlace) reports[i]!.warnings.push('custom template: the effect is not read back, so it is not verified')
    if (checkable.length === 0 || !capabilitiesOf(this.dialect).readBack) return
    let after: StateSnapshot
    try {
      after = await client.readBack(checkable.map((i) => prepared[i]!.op.asset))
    } catch (err) {
      const why = toRevmetaError(err, 'CONNECTION_FAILED').message
      for (const i of checkable) {
        reports[i]!.warnings.push(`applied, but not verified: reading back failed (${why})`)
        reports[i]!.verified = false
      }
      return
    }
    for (const i of checkable) {
      const p = prepared[i]!
      const fqn = operationFqn(p.op)
      const state = after.get(fqn)
      if (p.inPlace!(state)) {
        reports[i]!.verified = true
        continue
      }
      const found = state === undefined ? 'the object is gone' : `read back ${preview(readBackText(p.op.kind, state))}`
      fail(reports[i]!, new RevmetaError('VERIFY_MISMATCH', `${fqn}: wrote ${preview(p.desired)} but ${found}`, { details: { asset: fqn, kind: p.op.kind } }))
    }
  }

  async close(): Promise<void> {
    const client = this.client
    this.client = undefined
    await client?.close().catch(() => undefined)
  }
}
