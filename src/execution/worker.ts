import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { ResolvedChannel, RevmetaConfig, ServiceConfig } from '../config/load-config.js'
import { errorReport, type OperationReport } from '../model/report.js'
import { serviceConcurrency } from '../engine/run-service.js'
import { ServiceSession } from '../engine/service-session.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import type { AuditEntry, Settlement, StateStore, StoredOperation } from '../store/state-store.js'
import { CircuitBreaker } from './circuit-breaker.js'
import { RateLimiter } from './rate-limiter.js'
import { orderKeys, screenSuperseded } from './screen-superseded.js'
import { settlementFor } from './settlement-for.js'
import { StoreOutage } from './store-outage.js'
import { withinBatchBound } from './batch-bound.js'
import { liveChannelMap } from '../config/live-config.js'
import { localWorkerGone } from './worker-liveness.js'

export interface WorkerOptions {
  readonly workerId?: string
  /**
   * Stop once nothing is claimable for `runId` (or for any run) within `waitForRetriesMs`, instead
   * of polling until aborted. `revmeta apply` uses this; `revmeta worker` does not.
   */
  readonly untilIdle?: { readonly runId?: number; readonly waitForRetriesMs: number }
  readonly signal?: AbortSignal
  readonly log?: (line: string) => void
  /** Told of each batch once the store has settled it: the operations as claimed and how each ended. */
  readonly onSettled?: (settled: readonly { readonly claimed: StoredOperation; readonly settlement: Settlement }[]) => void
}

/**
 * Resolves after `ms`, on abort, or when `wake` is called. A sleep that lost a race must be woken
 * too: its timer would keep the process alive after the work is done, and each abort listener
 * left on the signal would stay there as long as the worker runs.
 */
function sleep(ms: number, signal?: AbortSignal): { done: Promise<void>; wake: () => void } {
  let wake = () => {}
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => wake(), ms)
    wake = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', wake)
      resolve()
    }
    signal?.addEventListener('abort', wake, { once: true })
  })
  return { done, wake }
}

/** Connection trouble, as opposed to a statement the database refused: what the breaker counts. */
const connectionCodes = new Set(['CONNECTION_FAILED'])

/**
 * Claims operations from the store, runs them through the same service sessions as an in-memory
 * apply, and settles them. Retry policy is data (settlementFor); attempt state lives in the store;
 * per-key order comes from the claim; a service that keeps failing trips its circuit breaker.
 */
export class Worker {
  readonly id: string
  private readonly breaker: CircuitBreaker
  private readonly sessions = new Map<string, ServiceSession[]>()
  private readonly limiters = new Map<string, RateLimiter>()
  private readonly concurrency = new Map<string, number>()
  /** Per service, operations of this worker's batches that are done with the source and settling. */
  private readonly settling = new Map<string, number>()
  private readonly channels: ReadonlyMap<string, ResolvedChannel>
  /** Operations of batches this worker is still working on or settling: what its heartbeat keeps. */
  private readonly inFlight = new Set<number>()
  private wakeUp?: () => void

  constructor(
    private readonly store: StateStore,
    private readonly config: RevmetaConfig,
    private readonly options: WorkerOptions = {},
  ) {
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.breaker = new CircuitBreaker(config.execution.breaker)
    // Live: a channel saved in the web app reaches this worker's next batch (config/live-config.ts).
    this.channels = liveChannelMap(config)
    for (const s of config.services) if (s.execution.ratePerSecond) this.limiters.set(s.name, new RateLimiter(s.execution.ratePerSecond))
  }

  private async slots(service: ServiceConfig): Promise<number> {
    let n = this.concurrency.get(service.name)
    if (n === undefined) {
      n = await serviceConcurrency(service)
      this.concurrency.set(service.name, n)
    }
    return n
  }

  private async session(service: ServiceConfig, slot: number): Promise<ServiceSession> {
    const list = this.sessions.get(service.name) ?? []
    this.sessions.set(service.name, list)
    list[slot] ??= await ServiceSession.create(service, this.channels)
    return list[slot]!
  }

  /** New work was queued (a webhook arrived): stop waiting for the next poll. */
  nudge(): void {
    this.wakeUp?.()
  }

  /** Runs until aborted, or until idle when `untilIdle` is set. Never throws for a failed operation. */
  async run(): Promise<void> {
    const { execution } = this.config
    const tasks = new Set<Promise<void>>()
    const busySlots = new Map<string, Set<number>>()
    let lastHousekeeping = 0
    // The store unreachable or silent (its own timeouts end each wait): the worker keeps going
    // once it is back, instead of ending and leaving `serve` without one; a drain gives up after
    // its retry horizon.
    const patient = this.patience(new StoreOutage(this.options.untilIdle ? execution.waitForRetriesMs : undefined))
    // A process of this host that died (kill -9) left its operations running: resumed now, not
    // after the lease. Those of live processes, or of other hosts, wait for their lease.
    const reclaimed = await patient(() => this.store.reclaimAbandoned(localWorkerGone))
    if (reclaimed > 0) this.options.log?.(`resumed ${reclaimed} operation(s) left running by a process that stopped`)
    try {
      while (!this.options.signal?.aborted) {
        if (Date.now() - lastHousekeeping > execution.leaseMs / 4) {
          lastHousekeeping = Date.now()
          await patient(() => this.housekeeping())
        }
        let started = 0
        for (const service of this.config.services) {
          const busy = busySlots.get(service.name) ?? new Set<number>()
          busySlots.set(service.name, busy)
          const max = await this.slots(service)
          while (busy.size < max && this.breaker.allows(service.name)) {
            // The cap counts what runs in the store, across workers; this worker's batches that are
            // done with the source and only settling are no load on it, so they do not count.
            const claimed = await patient(() =>
              this.store.claim(this.id, {
                limit: execution.batchSize,
                services: [service.name],
                maxRunningPerService: { [service.name]: max * execution.batchSize + (this.settling.get(service.name) ?? 0) },
              }),
            )
            if (claimed.length === 0) break
            for (const c of claimed) this.inFlight.add(c.id)
            let slot = 0
            while (busy.has(slot)) slot++
            busy.add(slot)
            // Released once: by then another batch may hold the same slot number.
            let held = true
            const release = () => {
              if (held) busy.delete(slot)
              held = false
            }
            const task = this.processBatch(service, slot, claimed)
              .then((settlements) => {
                // The slot (its session) is free once the source is done with: the next batch
                // starts while this one settles.
                release()
                const settled = this.settle(service.name, claimed, settlements).finally(() => tasks.delete(settled))
                tasks.add(settled)
              })
              .finally(() => {
                release()
                tasks.delete(task)
              })
            tasks.add(task)
            started++
          }
        }
        if (started > 0) continue
        if (tasks.size > 0) {
          const nap = sleep(execution.pollMs, this.options.signal)
          await Promise.race([...tasks, nap.done])
          nap.wake()
          continue
        }
        const wait = await patient(() => this.idleWait())
        if (wait === undefined) break
        const nap = sleep(wait, this.options.signal)
        this.wakeUp = nap.wake
        await nap.done
        this.wakeUp = undefined
      }
      // A batch's settle joins the tasks when the batch ends: wait until none is left.
      while (tasks.size > 0) await Promise.all(tasks)
    } finally {
      await Promise.all([...this.sessions.values()].flat().map((s) => s.close()))
    }
  }

  /**
   * Runs store calls, waiting out retryable failures as `outage` says (rethrowing what it gives up
   * on, or once the worker is stopped); any success ends the outage.
   */
  private patience(outage: StoreOutage): <T>(call: () => Promise<T>) => Promise<T> {
    return async (call) => {
      for (;;) {
        try {
          const result = await call()
          outage.over()
          return result
        } catch (err) {
          const error = toRevmetaError(err)
          const wait = this.options.signal?.aborted ? undefined : outage.failed(error)
          if (wait === undefined) throw err
          this.options.log?.(`state store: ${error.code}: ${error.message}; trying again in ${wait} ms`)
          await sleep(wait, this.options.signal).done
        }
      }
    }
  }

  /**
   * Every lease/4: operations of workers that stopped go back to the queue, runs no process will
   * finish are closed, and this worker's own operations in flight are kept fresh.
   */
  private async housekeeping(): Promise<void> {
    const { leaseMs } = this.config.execution
    const reclaimed = await this.store.reclaimExpired(leaseMs)
    if (reclaimed > 0) this.options.log?.(`reclaimed ${reclaimed} operation(s) from workers that stopped`)
    const closed = await this.store.closeAbandonedRuns(leaseMs)
    if (closed.length > 0) this.options.log?.(`closed ${closed.length} run(s) that no process will finish: ${closed.join(', ')}`)
    if (this.inFlight.size > 0) await this.store.heartbeat(this.id, [...this.inFlight])
  }

  /** How long to sleep before the next claim; undefined when an idle-bounded run should stop. */
  private async idleWait(): Promise<number | undefined> {
    const { execution } = this.config
    const idle = this.options.untilIdle
    if (!idle) return execution.pollMs
    const pending = await this.store.operations({ runId: idle.runId, status: 'pending' })
    // Running operations are not done: they settle (perhaps into a retry due soon), or belong to a
    // worker that died and come back when its lease runs out. A drain that stopped beside them
    // would leave a crashed worker's operations to nobody.
    const running = (await this.store.operations({ runId: idle.runId, status: 'running' })).length
    if (pending.length === 0 && running === 0) return undefined
    const now = Date.now()
    const due = Math.min(...pending.map((p) => Math.max(p.runAt.getTime(), this.breaker.openUntil(p.service))), running > 0 ? now + execution.pollMs : Infinity)
    if (due - now > idle.waitForRetriesMs) return undefined
    return Math.max(10, Math.min(execution.pollMs, due - now))
  }

  /** Runs one claimed batch on the source; returns how each operation ended, for settle. Never throws. */
  private async processBatch(service: ServiceConfig, slot: number, batch: StoredOperation[]): Promise<Settlement[]> {
    const { execution } = this.config
    // A worker that died mid-batch returns its operations with attempts counted; past the limit
    // they are dead letters, or an operation that crashes its worker would be retried forever.
    const exhausted = batch.filter((c) => c.attempts > execution.maxAttempts)
    const claimed = batch.filter((c) => c.attempts <= execution.maxAttempts)
    const settlements: Settlement[] = []
    if (exhausted.length > 0) {
      const error = errorReport(new RevmetaError('ATTEMPTS_EXHAUSTED', `claimed more than ${execution.maxAttempts} times without settling`))
      settlements.push(...exhausted.map((c) => ({ id: c.id, op: c.op, status: 'dead' as const, error, report: failedReport(c, error) })))
    }
    if (claimed.length === 0) return settlements
    try {
      // Here, once claimed, so it holds whatever queued the operation (another file, run, process,
      // webhook delivery or worker): older than what the store last applied → never sent.
      const { send, superseded } = screenSuperseded(claimed, await this.store.orders(orderKeys(claimed)))
      settlements.push(...superseded)
      if (send.length === 0) return settlements
      await this.limiters.get(service.name)?.take(send.length)
      const session = await this.session(service, slot)
      const byOp = new Map(send.map((s) => [s.op, s.claimed]))
      const processing = session.process(
        send.map((s) => s.op),
        {
          apply: true,
          retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
          beforeSend: (ready) => this.store.recordAudit(ready.flatMap(({ op, report }) => auditEntries(byOp.get(op)!, report))),
        },
      )
      const reports = await withinBatchBound(processing, this.config.execution.batchTimeoutMs, () => this.discardSession(service, slot, session), service.name, send.length)
      if (reports.some((r) => r.error && connectionCodes.has(r.error.code))) this.breaker.failure(service.name)
      else this.breaker.success(service.name)
      settlements.push(
        ...send.map((s, i) => {
          const report = reports[i]!
          if (s.warnings.length > 0) report.warnings.push(...s.warnings)
          return { ...settlementFor(s.claimed, report, execution), marks: s.marks }
        }),
      )
    } catch (err) {
      // Anything unexpected (the store failing mid-batch, a batch past its bound, a bug) retries
      // the whole batch later.
      const error = errorReport(toRevmetaError(err))
      if (connectionCodes.has(error.code)) this.breaker.failure(service.name)
      this.options.log?.(`batch for ${service.name} failed: ${error.code}: ${error.message}`)
      const done = new Set(settlements.map((st) => st.id))
      settlements.push(...claimed.filter((c) => !done.has(c.id)).map((c) => settlementFor(c, failedReport(c, { ...error, retryable: true }), execution)))
    }
    return settlements
  }

  /** Drops a session whose batch was given up; closing it ends its connections in the background. */
  private discardSession(service: ServiceConfig, slot: number, session: ServiceSession): void {
    const list = this.sessions.get(service.name)
    if (list?.[slot] === session) delete list[slot]
    session.close().catch(() => {})
  }

  /**
   * Stamps the runs this batch may have completed: runs queued by webhooks, polls or `apply
   * --queue-only` have no process of their own waiting to finish them. The run an `apply` is
   * draining is left to it (it finishes it once drained).
   */
  private async finishDoneRuns(claimed: readonly StoredOperation[], settlements: readonly Settlement[]): Promise<void> {
    if (settlements.every((st) => st.status === 'retry')) return
    const runs = new Set(claimed.map((c) => c.runId))
    runs.delete(this.options.untilIdle?.runId ?? -1)
    for (const runId of runs) {
      try {
        if ((await this.store.unsettled(runId)) === 0) await this.store.finishRun(runId)
      } catch (err) {
        this.options.log?.(`finishing run ${runId} failed: ${toRevmetaError(err).message}`)
      }
    }
  }

  /** Settles a batch that is done with the source, counting its operations as settling meanwhile. */
  private async settle(service: string, claimed: readonly StoredOperation[], settlements: Settlement[]): Promise<void> {
    try {
      await this.settleOnce(service, claimed, settlements)
    } finally {
      for (const c of claimed) this.inFlight.delete(c.id)
    }
  }

  /** Settling tries a few times over a store blip; what still fails is no longer heartbeated. */
  private async storeSettle(settlements: Settlement[]): Promise<number[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.settle(this.id, settlements)
      } catch (err) {
        const error = toRevmetaError(err)
        if (!error.retryable || attempt >= 3) throw err
        await sleep(this.config.execution.pollMs * 2 ** attempt, this.options.signal).done
      }
    }
  }

  private async settleOnce(service: string, claimed: readonly StoredOperation[], settlements: Settlement[]): Promise<void> {
    if (settlements.length === 0) return
    this.settling.set(service, (this.settling.get(service) ?? 0) + settlements.length)
    let ids: Set<number>
    try {
      ids = new Set(await this.storeSettle(settlements))
    } catch (err) {
      // Left running, no longer heartbeated: the lease expires, the operations are reclaimed, and
      // another attempt finds the effect by read-back.
      this.options.log?.(`settling ${settlements.length} operation(s) failed: ${toRevmetaError(err).message}`)
      return
    } finally {
      this.settling.set(service, (this.settling.get(service) ?? 0) - settlements.length)
    }
    await this.finishDoneRuns(claimed, settlements)
    if (!this.options.onSettled) return
    const byId = new Map(claimed.map((c) => [c.id, c]))
    this.options.onSettled(settlements.filter((st) => ids.has(st.id)).map((settlement) => ({ claimed: byId.get(settlement.id)!, settlement })))
  }
}

function auditEntries(stored: StoredOperation, report: OperationReport): AuditEntry[] {
  return report.statements.map((statement) => ({
    operationId: stored.id,
    runId: stored.runId,
    attempt: stored.attempts,
    service: stored.service,
    asset: report.asset,
    kind: report.kind,
    statement,
    before: report.current,
    after: report.desired,
    outcome: 'sent' as const,
  }))
}

function failedReport(stored: StoredOperation, error: OperationReport['error']): OperationReport {
  return {
    id: stored.op.id,
    channel: stored.op.channel,
    service: stored.service,
    asset: stored.key.split('|')[1] ?? stored.key,
    level: stored.op.asset.level,
    kind: stored.op.kind,
    status: 'failed',
    statements: [],
    warnings: [],
    error,
    origins: stored.op.origins.map((o) => ({ index: o.index, eventId: o.eventId, user: o.user })),
  }
}
