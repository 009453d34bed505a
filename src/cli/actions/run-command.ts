import { stat } from 'node:fs/promises'
import { loadConfig } from '../../config/load-config.js'
import type { RunReport } from '../../model/report.js'
import { run } from '../../engine/run.js'
import { applyDurably } from '../../execution/apply-durably.js'
import { applyEventStream } from '../../execution/apply-event-stream.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { exitCodeFor } from '../exit-codes.js'
import { loadInput, type InputFlags } from '../load-input.js'
import { formatReport } from '../print-report.js'
import { withStore } from '../with-store.js'
import { loadCatalogBackend } from '../../catalogs/registry.js'
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
  const catalog = await loadCatalogBackend(config.catalog.type)
  const durable = apply && flags.store !== false
  const streamed = (await streams(flags)) && durable
  const report = await withProgress(apply ? 'apply' : 'plan', flags, async (progress): Promise<RunReport> => {
    const options = { queueOnly: flags.queueOnly === true, log: (line: string) => progress.log(`revmeta: ${line}`), onProgress: progress.onProgress }
    if (streamed) {
      const source = flags.events!
      return withStore(config, (store) =>
        withOwners(catalog.ownerDirectory(config, store), (owners) => applyEventStream(config, store, source, { ...options, owners, name: source === '-' ? 'standard input' : source })),
      )
    }
    const loaded = await loadInput(flags, { keepEvents: durable, limits: config.input })
    // Owners named by id alone are named from the catalog before anything is planned.
    const named = (directory: ClosableOwnerDirectory) => withOwners(directory, async (owners) => ({ ...loaded, owners: await prefetchOwners(config, loaded.normalized.changes, owners) }))
    return durable
      ? withStore(config, async (store) => applyDurably(config, store, await named(catalog.ownerDirectory(config, store)), options))
      : run(config, await named(catalog.ownerDirectory(config)), { apply, offline: flags.offline === true, onProgress: progress.onProgress })
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
