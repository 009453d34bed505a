import path from 'node:path'
import { loadConnector, connectorNames } from '../connectors/registry.js'
import { fieldsWithRole } from '../fields/field-roles.js'
import { compileChannelTemplates, type CompiledTemplates } from '../channels/compile-channel-templates.js'
import { overlapWarnings } from '../channels/overlap-warnings.js'
import { channelSchema, configSchema, type ChannelConfig, type OwnerMapping, type RawConfig } from './config-schema.js'
import { deepFreeze } from './deep-freeze.js'
import { formatIssues } from './format-issues.js'
import { interpolateEnv } from './interpolate-env.js'
import { invalidConfig, readConfigTree } from './read-config-file.js'
import { resolveStoreDir } from './store-schema.js'

export interface ServiceConfig {
  readonly name: string
  readonly type: string
  /** Already validated by the connector's connection schema. */
  readonly connection: unknown
  readonly owners: OwnerMapping
  readonly execution: { readonly concurrency?: number; readonly ratePerSecond?: number }
}

export interface ResolvedChannel extends Omit<ChannelConfig, 'services'> {
  readonly services: readonly string[]
  /** Templates parsed and checked once, at load. */
  readonly compiled: CompiledTemplates
}

export interface RevmetaConfig {
  readonly catalog: RawConfig['catalog']
  readonly store: RawConfig['store']
  readonly execution: RawConfig['execution']
  readonly server: RawConfig['server']
  readonly input: RawConfig['input']
  readonly log: RawConfig['log']
  readonly services: readonly ServiceConfig[]
  readonly channels: readonly ResolvedChannel[]
  /** Said once when channels load: overlapping channels that would act differently. */
  readonly warnings: readonly string[]
  /** Directory of the config file: relative paths inside connections resolve against it. */
  readonly baseDir: string
}

/** Validates a parsed config tree at the boundary and freezes it. */
export async function resolveConfig(tree: unknown, options: { source: string; baseDir: string; env?: NodeJS.ProcessEnv }): Promise<RevmetaConfig> {
  const interpolated = interpolateEnv(tree ?? {}, options.env ?? process.env)
  const parsed = configSchema.safeParse(interpolated)
  if (!parsed.success) throw invalidConfig(formatIssues(parsed.error.issues), options.source)
  const raw = parsed.data
  const problems: string[] = []
  const services: ServiceConfig[] = []
  const seen = new Set<string>()
  for (const [i, service] of raw.services.entries()) {
    if (seen.has(service.name)) problems.push(`services[${i}].name: duplicate service name ${JSON.stringify(service.name)}`)
    seen.add(service.name)
    const connector = await loadConnector(service.type)
    if (!connector) {
      problems.push(`services[${i}].type: unknown connector ${JSON.stringify(service.type)}; known: ${connectorNames.join(', ')}`)
      continue
    }
    const connection = connector.connectionSchema.safeParse(withBaseDir(service.connection, fieldsWithRole(connector.connectionSchema, 'file'), options.baseDir))
    if (!connection.success) {
      problems.push(...formatIssues(connection.error.issues, `services[${i}].connection`))
      continue
    }
    services.push({ name: service.name, type: service.type, connection: connection.data, owners: service.owners, execution: service.execution })
  }
  const channels: ResolvedChannel[] = (raw.channels ?? [channelSchema.parse({ name: 'default' })]).map((channel, i) => {
    for (const [j, name] of (channel.services ?? []).entries()) {
      if (!seen.has(name)) problems.push(`channels[${i}].services[${j}]: no service named ${JSON.stringify(name)}`)
    }
    const compiled = compileChannelTemplates(channel.templates, `channels[${i}].templates`)
    return { ...channel, services: channel.services ?? raw.services.map((s) => s.name), compiled }
  })
  const channelNames = new Set<string>()
  for (const [i, channel] of channels.entries()) {
    if (channelNames.has(channel.name)) problems.push(`channels[${i}].name: duplicate channel name ${JSON.stringify(channel.name)}`)
    channelNames.add(channel.name)
  }
  if (problems.length > 0) throw invalidConfig(problems, options.source)
  const store = resolveStoreDir(raw.store, options.baseDir)
  return deepFreeze({ catalog: raw.catalog, store, execution: raw.execution, server: raw.server, input: raw.input, log: raw.log, services, channels, warnings: overlapWarnings(channels), baseDir: options.baseDir })
}

/**
 * Connection paths (the fields each connector's schema declares with role `file`) are relative to
 * the config file, not the shell. In-memory markers (`:memory:`, `memory://`) and URLs are left alone.
 */
function withBaseDir(connection: Record<string, unknown>, pathKeys: readonly string[], baseDir: string): Record<string, unknown> {
  const out = { ...connection }
  for (const key of pathKeys) {
    const value = out[key]
    if (typeof value !== 'string' || value === '' || value.startsWith(':') || /^[a-z][a-z0-9+.-]*:/i.test(value) || path.isAbsolute(value)) continue
    out[key] = path.resolve(baseDir, value)
  }
  return out
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<RevmetaConfig> {
  return resolveConfig(await readConfigTree(file), { source: file, baseDir: path.dirname(path.resolve(file)), env })
}
