import { checkService, type ServiceCheck } from '../../check/check-service.js'
import { formatChecks } from '../../check/format-check.js'
import { loadConfig } from '../../config/load-config.js'
import { exitCodes } from '../exit-codes.js'
import { selectedServices } from '../selected-services.js'

export interface CheckFlags {
  config: string
  service: string[]
  json?: boolean
}

/** Exit 0 when every service connected and holds all it needs, 1 otherwise, 2 for a bad config or --service. */
export async function check(flags: CheckFlags): Promise<number> {
  const config = await loadConfig(flags.config)
  const names = selectedServices(config, flags.service)
  const checks: ServiceCheck[] = []
  // One service at a time: a check is a handful of catalog queries, and this keeps each server's load to one session.
  for (const name of names) checks.push(await checkService(config, name))
  const ok = checks.every((c) => c.ok)
  process.stdout.write(flags.json ? `${JSON.stringify({ ok, services: checks }, null, 2)}\n` : `${formatChecks(checks)}\n`)
  return ok ? exitCodes.ok : exitCodes.failed
}

