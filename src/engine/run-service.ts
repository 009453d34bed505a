import type { ResolvedChannel, ServiceConfig } from '../config/load-config.js'
import { loadConnector } from '../connectors/registry.js'
import type { Operation } from '../model/operation.js'
import type { RetryPolicy } from './execute-units.js'
import type { OperationReport } from '../model/report.js'
import { ServiceSession } from './service-session.js'
import type { OnProgress } from '../model/progress.js'

export interface RunOptions {
  /** Send the statements; otherwise only plan. */
  readonly apply: boolean
  /** Plan without connecting: nothing read back, object types assumed from levels. */
  readonly offline: boolean
  readonly retry?: RetryPolicy
  /** Told how far the operations have got, for a progress bar. */
  readonly onProgress?: OnProgress
}

/** Sessions a service may have at once: its own setting, else what its engine suits. */
export async function serviceConcurrency(service: ServiceConfig): Promise<number> {
  return service.execution.concurrency ?? (await loadConnector(service.type))?.defaultConcurrency ?? 1
}

/**
 * Plans (and with `apply`, applies and verifies) every operation of one service, in memory. An
 * apply runs up to the service's concurrency of sessions side by side, each over whole schemas:
 * no two sessions then write the same object (no lock waits or deadlocks between them), and each
 * reads back only its own schemas. The reports come back in no particular order.
 */
export async function runService(
  service: ServiceConfig,
  channels: ReadonlyMap<string, ResolvedChannel>,
  ops: readonly Operation[],
  options: RunOptions & { readonly onDone?: (count: number) => void },
): Promise<OperationReport[]> {
  if (options.offline && !options.apply) {
    const reports = (await ServiceSession.create(service, channels)).planOffline(ops)
    options.onDone?.(reports.length)
    return reports
  }
  const lanes = options.apply ? bySchema(ops, await serviceConcurrency(service)) : [ops]
  const reports = await Promise.all(
    lanes.map(async (lane) => {
      const session = await ServiceSession.create(service, channels)
      try {
        return await session.process(lane, { apply: options.apply, retry: options.retry, ...(options.onDone ? { onDone: options.onDone } : {}) })
      } finally {
        await session.close()
      }
    }),
  )
  return reports.flat()
}

/**
 * Splits operations into at most `lanes` groups of whole schemas (database-level operations
 * count as their database's), balanced by operation count, each keeping the input order.
 */
export function bySchema(ops: readonly Operation[], lanes: number): Operation[][] {
  if (lanes <= 1 || ops.length === 0) return [[...ops]]
  const keys = ops.map((op) => [op.asset.database, op.asset.schema ?? ''].join('\0'))
  const sizes = new Map<string, number>()
  for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1)
  const loads = Array.from({ length: Math.min(lanes, sizes.size) }, () => 0)
  const laneOf = new Map<string, number>()
  // Largest schemas first, each to the least loaded lane.
  for (const [schema, size] of [...sizes].sort((a, b) => b[1] - a[1])) {
    const lane = loads.indexOf(Math.min(...loads))
    laneOf.set(schema, lane)
    loads[lane]! += size
  }
  const out: Operation[][] = loads.map(() => [])
  ops.forEach((op, i) => out[laneOf.get(keys[i]!)!]!.push(op))
  return out
}
