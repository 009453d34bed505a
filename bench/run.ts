import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchApply } from './apply-processes.js'
import { bigStore, type BigStore } from './big-store.js'
import { benchCliStart, emptyRunsVariant, runsVariant } from './cli-start.js'
import { benchLatency } from './latency.js'
import { renderReport, summaryTable, type Results } from './report.js'
import { storeNote } from './report-process.js'
import { quick, runs, sizes } from './sizes.js'
import { benchStream } from './stream.js'
import { benchSync } from './sync.js'
import { machine } from './support.js'
import { benchWebhook } from './webhook.js'

/**
 * `npm run bench`: revmeta's speed figures against the targets of issue 17, written to
 * docs/benchmarks.md with the machine they ran on. Needs the PostgreSQL server at 127.0.0.1:5432
 * (user postgres, trust auth), psql, and the built CLI (`npm run bench` builds it first); at full
 * size it takes over an hour on a busy 2-core machine while each sync of figure 3 takes ~20 minutes
 * (use BENCH_ONLY and BENCH_OUT to run figures apart). BENCH_QUICK=1 and BENCH_ONLY: see bench/sizes.ts.
 */
const log = (line: string) => process.stdout.write(`${line}\n`)
const started = performance.now()
const info = await machine()
const loadBefore = os.loadavg()
log(`revmeta bench${quick ? ' (QUICK)' : ''} on ${info.cpu} (${info.cores} cores), Node ${info.node}, ${info.postgres.split(' on ')[0]}; load ${loadBefore.map((l) => l.toFixed(2)).join(', ')}`)
const load = { before: loadBefore, after: [] as number[] }
const results: { -readonly [K in keyof Results]: Results[K] } = { machine: info, load, analysis: '' }
// BENCH_OUT: another file, for a partial run (BENCH_ONLY) that must not replace the report.
const doc = process.env.BENCH_OUT ?? (quick ? path.join(os.tmpdir(), 'revmeta-bench-quick.md') : fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)))
/** The report so far, after every figure: a run stopped part-way still leaves what it measured. */
const save = async () => {
  load.after = os.loadavg()
  results.analysis = await readFile(new URL('./analysis.md', import.meta.url), 'utf8')
  await writeFile(doc, renderReport(results))
}
// Figure 6 first: its child's maxRSS would otherwise carry this process's RSS from the others.
if (runs('stream')) {
  results.stream = await benchStream(log)
  await save()
}
if (runs('apply')) {
  results.apply = await benchApply(log)
  await save()
}
let store: BigStore | undefined
try {
  if (runs('start') || runs('sync')) store = results.store = await bigStore(log)
  if (runs('start') && store) {
    // The same configuration with a store dir of its own, still empty.
    const emptyConfig = path.join(store.dir, 'empty-store.yaml')
    await writeFile(emptyConfig, (await readFile(store.config, 'utf8')).replace(/^  dir: .*$/m, `  dir: ${path.join(store.dir, 'empty-store')}`))
    results.cli = await benchCliStart(log, sizes.startRounds, [runsVariant(store.config), emptyRunsVariant(emptyConfig)], storeNote(store))
    await save()
  }
  if (runs('sync') && store) {
    results.sync = await benchSync(store, log)
    await save()
  }
} finally {
  await store?.drop()
}
if (runs('webhook')) {
  results.webhook = await benchWebhook(log)
  await save()
}
if (runs('latency')) {
  results.latency = await benchLatency(log)
  await save()
}
log(`\n${summaryTable(results)}\n\nwritten to ${doc} in ${((performance.now() - started) / 60_000).toFixed(1)} min`)
