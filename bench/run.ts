import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchLatency } from './latency.js'
import { benchLocal } from './local.js'
import { benchCliStart } from './cli-start.js'
import { renderReport, summaryTable } from './report.js'
import { benchStream } from './stream.js'
import { machine } from './support.js'

/**
 * `npm run bench`: the three speed figures of revmeta against their targets, written to
 * docs/benchmarks.md with the machine they ran on. Needs the PostgreSQL server at 127.0.0.1:5432
 * (user postgres, trust auth) and psql; takes a few minutes.
 */
const log = (line: string) => process.stdout.write(`${line}\n`)
const started = performance.now()
const info = await machine()
const loadBefore = os.loadavg()
log(`revmeta bench on ${info.cpu} (${info.cores} cores), Node ${info.node}, ${info.postgres.split(' on ')[0]}`)
// Figure 3 first: its child's maxRSS would otherwise carry this process's RSS from the other two.
const stream = await benchStream(log)
const local = await benchLocal(log)
const latency = await benchLatency(log)
const cli = await benchCliStart(log)
const analysis = await readFile(new URL('./analysis.md', import.meta.url), 'utf8')
const results = { machine: info, load: { before: loadBefore, after: os.loadavg() }, local, latency, stream, cli, analysis }
const doc = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url))
await writeFile(doc, renderReport(results))
log(`\n${summaryTable(results)}\n\nwritten to ${doc} in ${((performance.now() - started) / 60_000).toFixed(1)} min`)
