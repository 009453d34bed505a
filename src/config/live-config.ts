import { compileChannelTemplates } from '../channels/compile-channel-templates.js'
import { overlapWarnings } from '../channels/overlap-warnings.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { channelSchema } from './config-schema.js'
import { deepFreeze } from './deep-freeze.js'
import { formatIssues } from './format-issues.js'
import type { ResolvedChannel, RevmetaConfig } from './load-config.js'

/**
 * The config of a running `serve`, whose channels are the YAML file's plus those made in the web
 * app. `config` is a frozen object like any RevmetaConfig, but its `channels` and `warnings` are
 * read at each use, so the webhook, the worker and Run Now see a channel the moment it is saved,
 * without being rebuilt. Every channel is validated here, once, the same way load-config does.
 */
export class LiveConfig {
  readonly config: RevmetaConfig
  private channels: readonly ResolvedChannel[]
  private warnings: readonly string[]
  private readonly yaml: ReadonlySet<string>

  constructor(private readonly base: RevmetaConfig) {
    this.channels = base.channels
    this.warnings = base.warnings
    this.yaml = new Set(base.channels.map((c) => c.name))
    const self = this
    const live = { ...base }
    Object.defineProperty(live, 'channels', { get: () => self.channels, enumerable: true })
    Object.defineProperty(live, 'warnings', { get: () => self.warnings, enumerable: true })
    this.config = Object.freeze(live) as RevmetaConfig
  }

  /** True for a channel of the YAML file: shown read-only, never stored, never deleted. */
  isYaml(name: string): boolean {
    return this.yaml.has(name)
  }

  /** A channel body (the YAML channel shape) checked as load-config checks one; CONFIG_INVALID or TEMPLATE_INVALID otherwise. */
  resolve(body: unknown): ResolvedChannel {
    const parsed = channelSchema.safeParse(body)
    if (!parsed.success) throw new RevmetaError('CONFIG_INVALID', `Invalid channel:\n  ${formatIssues(parsed.error.issues).join('\n  ')}`)
    const channel = parsed.data
    const known = new Set(this.base.services.map((s) => s.name))
    const unknown = (channel.services ?? []).filter((s) => !known.has(s))
    if (unknown.length > 0) throw new RevmetaError('CONFIG_INVALID', `Invalid channel: no service named ${unknown.map((s) => JSON.stringify(s)).join(', ')}`)
    const compiled = compileChannelTemplates(channel.templates, 'templates')
    return deepFreeze({ ...channel, services: channel.services ?? this.base.services.map((s) => s.name), compiled })
  }

  /** Replaces the web app's channels (YAML ones stay first and win a name clash). */
  setUiChannels(channels: readonly ResolvedChannel[]): void {
    const all = [...this.base.channels, ...channels.filter((c) => !this.yaml.has(c.name))]
    this.channels = Object.freeze(all)
    this.warnings = Object.freeze(overlapWarnings(all))
  }
}

/**
 * A channel lookup that follows a live config: the channels it has now, plus any it had before
 * (a channel deleted while its operations are still queued finishes them with its last settings).
 */
export function liveChannelMap(config: RevmetaConfig): ReadonlyMap<string, ResolvedChannel> {
  const seen = new Map<string, ResolvedChannel>()
  let last: readonly ResolvedChannel[] | undefined
  const current = (): Map<string, ResolvedChannel> => {
    if (config.channels !== last) {
      last = config.channels
      for (const c of last) seen.set(c.name, c)
    }
    return seen
  }
  return {
    get: (name) => current().get(name),
    has: (name) => current().has(name),
    get size() {
      return current().size
    },
    forEach: (fn, thisArg) => current().forEach(fn, thisArg),
    entries: () => current().entries(),
    keys: () => current().keys(),
    values: () => current().values(),
    [Symbol.iterator]: () => current()[Symbol.iterator](),
  }
}
