import type { RevmetaConfig } from '../config/load-config.js'
import { RevmetaError } from '../errors/revmeta-error.js'

/** The `--service` flags of a command, each checked against the configuration; none given: every service. */
export function selectedServices(config: RevmetaConfig, names: readonly string[]): string[] {
  for (const name of names) {
    if (!config.services.some((s) => s.name === name)) {
      throw new RevmetaError('CONFIG_INVALID', `--service ${name}: no such service; configured: ${config.services.map((s) => s.name).join(', ')}`, { details: { service: name } })
    }
  }
  return names.length > 0 ? [...names] : config.services.map((s) => s.name)
}

/** The repeatable `--service <name>` option's accumulator. */
export const collectService = (value: string, all: string[]): string[] => [...all, value]
