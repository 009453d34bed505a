import { stat } from 'node:fs/promises'
import { loadConfig } from '../../config/load-config.js'
import type { RunReport } from '../../model/report.js'
import { run } from '../../engine/run.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { exitCodeFor } from '../exit-codes.js'
import { loadInput, type InputFlags } from '../load-input.js'
import { formatReport } from '../print-report.js'
import { catalogTypes, loadCatalogBackend } from '../../catalogs/registry.js'
import type { ClosableOwnerDirectory } from '../../catalogs/catalog-backend.js'
import { prefetchOwners } from '../../engine/prefetch-owners.js'
import { withProgress } from '../progress-bar.js'
import { writeJsonReport } from './write-json-report.js'

export interface RunFlags extends InputFlags {
  readonly config: string
  readonly json?: boolean
  readonly offline?: boolean
  /** commander's `--no-store`: apply in memory, recording nothing. */
  readonly store?: boolean
  readonly queueOnly?: boolean
  /** Plan the events as a stream; automatic for standard input and large files. */
  readonly stream?: boolean
}

/** Event files from this size on are planned as a stream rather than read whole. */
const streamFrom = 32 * 2 ** 20

/** A durable apply of events streams them when asked, for standard input, and for a large file. */
async function streams(flags: RunFlags): Promise<boolean> {
  if (flags.stream === true && (flags.events === undefined || flags.store === false)) {
    throw new RevmetaError('CONFIG_INVALID', '--stream plans --events as a stream into the store: it cannot go with --pipeline or --no-store')
  }
  if (flags.events === undefined) return false
  if (flags.stream === true || flags.events === '-') return true
  const size = await stat(flags.events).then((s) => s.size, () => 0)
  return size >= streamFrom
}

export function printReport(report: RunReport, json: boolean | undefined, exit: { queuedIsDone?: boolean } = {}): number {
  if (json) writeJsonReport(report, (text) => process.stdout.write(text))
  else process.stdout.write(`${formatReport(report)}\n`)
  return exitCodeFor(report, exit)
}

/** Shared body of `plan` and `apply`: the commands differ only in whether statements are sent. */
export async function runCommand(flags: RunFlags, apply: boolean): Promise<number> {
  const config = await loadConfig(flags.config)
  const durable = apply && flags.store !== false
  // An in-memory run asks the catalog only to name id-only owners, which most runs never hold: its
  // backend (the built-in one brings the whole store) loads when first asked. An unknown type
  // still fails here, with the registry's own error.
  const catalog = durable || !catalogTypes.includes(config.catalog.type) ? await loadCatalogBackend(config.catalog.type) : undefined
  const streamed = (await streams(flags)) && durable
  const report = await withProgress(apply ? 'apply' : 'plan', flags, async (progress): Promise<RunReport> => {
    const options = { queueOnly: flags.queueOnly === true, log: (line: string) => progress.log(`revmeta: ${line}`), onProgress: progress.onProgress }
    // The store and its executors load only for a durable run: `--no-store` and `plan` never touch them.
    if (streamed) {
      const [{ withStore }, { applyEventStream }] = await Promise.all([import('../with-store.js'), import('../../execution/apply-event-stream.js')])
      const source = flags.events!
      return withStore(config, (store) =>
        withOwners(catalog!.ownerDirectory(config, store), (owners) => applyEventStream(config, store, source, { ...options, owners, name: source === '-' ? 'standard input' : source })),
      )
    }
    const loaded = await loadInput(flags, { keepEvents: durable, limits: config.input })
    // Owners named by id alone are named from the catalog before anything is planned.
    const named = (directory: ClosableOwnerDirectory) => withOwners(directory, async (owners) => ({ ...loaded, owners: await prefetchOwners(config, loaded.normalized.changes, owners) }))
    if (durable) {
      const [{ withStore }, { applyDurably }] = await Promise.all([import('../with-store.js'), import('../../execution/apply-durably.js')])
      return withStore(config, async (store) => applyDurably(config, store, await named(catalog!.ownerDirectory(config, store)), options))
    }
    const directory = lazyOwnerDirectory(async () => (catalog ?? (await loadCatalogBackend(config.catalog.type))).ownerDirectory(config))
    return run(config, await named(directory), { apply, offline: flags.offline === true, onProgress: progress.onProgress })
  })
  return printReport(report, flags.json, { queuedIsDone: durable && flags.queueOnly === true })
}

async function withOwners<T>(directory: ClosableOwnerDirectory, fn: (owners: ClosableOwnerDirectory) => Promise<T>): Promise<T> {
  try {
    return await fn(directory)
  } finally {
    await directory.close()
  }
}

/** A directory opened on first use: one that is never asked costs nothing, not even loading its backend. */
function lazyOwnerDirectory(open: () => Promise<ClosableOwnerDirectory>): ClosableOwnerDirectory {
  let opened: Promise<ClosableOwnerDirectory> | undefined
  return {
    findOwner: async (type, id) => (await (opened ??= open())).findOwner(type, id),
    close: async () => {
      // One that failed to open was reported by the lookups that asked it; there is nothing to close.
      const directory = await opened?.catch(() => undefined)
      await directory?.close()
    },
  }
}
