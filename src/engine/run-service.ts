import type { ResolvedChannel, ServiceConfig } from '../config/load-config.js'
import type { Operation } from '../model/operation.js'
import type { RetryPolicy } from './execute-units.js'
import type { OperationReport } from './report.js'
import { ServiceSession } from './service-session.js'

export interface RunOptions {
  /** Send the statements; otherwise only plan. */
  readonly apply: boolean
  /** Plan without connecting: nothing read back, object types assumed from levels. */
  readonly offline: boolean
  readonly retry?: RetryPolicy
}

/** Plans (and with `apply`, applies and verifies) every operation of one service, in memory. */
export async function runService(service: ServiceConfig, channels: ReadonlyMap<string, ResolvedChannel>, ops: readonly Operation[], options: RunOptions): Promise<OperationReport[]> {
  const session = await ServiceSession.create(service, channels)
  if (options.offline && !options.apply) return session.planOffline(ops)
  try {
    return await session.process(ops, { apply: options.apply, retry: options.retry })
  } finally {
    await session.close()
  }
}
