import { loadStoreConfig } from '../../config/load-store-config.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { RunQueries } from '../../store/run-queries.js'
import { withStore } from '../with-store.js'

export async function listRuns(flags: { config: string; json?: boolean; limit: string }): Promise<number> {
  const limit = Number(flags.limit)
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new RevmetaError('CONFIG_INVALID', `--limit takes a whole number of runs above 0, not ${JSON.stringify(flags.limit)}`)
  // The store section only: listing runs needs no connector, channel or template.
  const store = await loadStoreConfig(flags.config)
  const runs = await withStore({ store }, (store) => RunQueries.of(store).list({ limit }))
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`)
    return 0
  }
  if (runs.length === 0) {
    process.stdout.write('No runs yet.\n')
    return 0
  }
  // Loaded only to draw: --json and an empty store need none of it.
  const { default: Table } = await import('cli-table3')
  const table = new Table({ head: ['run', 'mode', 'started', 'finished', 'counts'], style: { head: [], border: [] } })
  for (const r of runs) {
    const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')
    table.push([r.id, r.mode, r.startedAt.toISOString(), r.finishedAt?.toISOString() ?? 'running', counts])
  }
  process.stdout.write(`${table.toString()}\n`)
  return 0
}

