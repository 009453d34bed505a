import type { RevmetaConfig } from '../config/load-config.js'
import type { Operation } from '../model/operation.js'
import { groupBy } from './group-by.js'
import { planInput, runReport, type RunInput } from './plan-input.js'
import type { OperationReport, RunReport } from '../model/report.js'
import { runService, type RunOptions } from './run-service.js'
import { progressCounter } from '../model/progress.js'

export type { RunInput } from './plan-input.js'

/** The whole flow in memory: route → plan → (per service) read back, render, apply, verify. */
export async function run(config: RevmetaConfig, input: RunInput, options: RunOptions): Promise<RunReport> {
  const planned = planInput(config, input)
  const reports = await runOperations(config, planned.operations, options)
  return runReport(config, input, planned, options.apply ? 'apply' : 'plan', reports)
}

/** Operations in memory, services side by side; one report per operation, in the given order. */
export async function runOperations(config: RevmetaConfig, operations: readonly Operation[], options: RunOptions): Promise<OperationReport[]> {
  const byService = groupBy(operations, (op) => op.service)
  const channels = new Map(config.channels.map((c) => [c.name, c]))
  const counter = progressCounter(options.apply ? 'applying' : 'checking', operations.length, options.onProgress)
  const perService = await Promise.all(
    config.services.filter((s) => byService.has(s.name)).map((s) => runService(s, channels, byService.get(s.name)!, { ...options, onDone: (n) => counter.advance(n) })),
  )
  const reportsById = new Map(perService.flat().map((r) => [r.id, r]))
  return operations.map((op) => reportsById.get(op.id)!)
}
