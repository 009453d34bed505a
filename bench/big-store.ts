import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { changeEvent } from '../test/support/om-events.js'
import { benchComments } from './fixture.js'
import { revmeta } from './processes.js'
import { sizes } from './sizes.js'
import { admin, columnOf, columnText, configYaml, connect, createSchemaSql, now, schemaOf, server, service, tableOf } from './support.js'

/**
 * The store and catalog of a user who has worked a while, shared by figures 2 and 3: a database of
 * 100,000 columns (10,000 tables × 10), every column described by one `revmeta apply` of 100,000
 * changes (so the embedded store holds 100,000 operations), then `revmeta ingest` into the
 * built-in catalog. All through the command line: whatever store revmeta has, it is filled as a user fills it.
 *
 * The apply goes through a second service on the same database (`history`): the synthetic events
 * carry versions the built-in catalog never issued, and on the service that is synced they would
 * rightly supersede the catalog's older versions, leaving the sync nothing to write.
 */
export const historyService = 'history'
export const bigShape = { tables: sizes.bigTables, columns: sizes.bigColumns }
export const bigColumns = bigShape.tables * bigShape.columns

export interface BigStore {
  readonly database: string
  readonly dir: string
  readonly config: string
  /** Operations the store holds, as `revmeta runs --json` counts them. */
  readonly operations: number
  readonly fillMs: number
  readonly ingestMs: number
  /** A file for revmeta's standard output. */
  readonly out: string
  drop(): Promise<void>
}

/** One event per column: the column's description, as OpenMetadata sends it. */
function* columnEvents(database: string): Generator<Record<string, unknown>> {
  for (let t = 0; t < bigShape.tables; t++) {
    const fqn = `${historyService}.${database}.${schemaOf(t)}.${tableOf(t)}`
    for (let c = 0; c < bigShape.columns; c++) {
      yield changeEvent('table', fqn, { updated: [{ name: `columns.${columnOf(c)}.description`, oldValue: '', newValue: columnText(t, c) }] })
    }
  }
}

export async function bigStore(log: (line: string) => void): Promise<BigStore> {
  const database = `revmeta_bench_big_${randomBytes(3).toString('hex')}`
  const dir = await mkdtemp(path.join(tmpdir(), 'revmeta-bench-big-'))
  const drop = async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await admin((c) => c.query(`CREATE DATABASE ${database}`))
    const db = await connect(database)
    try {
      // In parts: one transaction creating 10,000 tables runs out of max_locks_per_transaction.
      const lines = createSchemaSql(bigShape).split('\n')
      for (let i = 0; i < lines.length; i += 1_000) await db.query(lines.slice(i, i + 1_000).join('\n'))
    } finally {
      await db.end()
    }
    const events = path.join(dir, 'events.json')
    await writeFile(events, JSON.stringify([...columnEvents(database)]))
    const config = path.join(dir, 'revmeta.yaml')
    const yaml = configYaml(database, server, { connectionBatchSize: 1_000, store: `dir: ${path.join(dir, 'store')}` })
    const services = yaml.slice(yaml.indexOf('  - name: '))
    await writeFile(config, `${yaml}${services.replace(`name: ${service}`, `name: ${historyService}`)}`)
    const out = path.join(dir, 'stdout.txt')

    log(`store for figures 2 and 3: revmeta apply of ${bigColumns} column descriptions, then revmeta ingest`)
    let started = now()
    // --json: the text report's table of 100,000 rows would take minutes, and this is set-up, not a figure.
    const applied = (JSON.parse((await revmeta(['apply', '-c', config, '--events', events, '--json'], out)).stdout) as { summary: Record<string, number> }).summary
    const fillMs = now() - started
    if (applied.applied !== bigColumns || (await benchComments(database)) !== bigColumns) throw new Error(`filling the store: ${JSON.stringify(applied)}`)
    started = now()
    await revmeta(['ingest', '-c', config, '--service', service], out)
    const ingestMs = now() - started
    const runs = JSON.parse((await revmeta(['runs', '-c', config, '--json', '--limit', '1000'], out)).stdout) as { runs: { counts: Record<string, number> }[] }
    const operations = runs.runs.reduce((n, r) => n + (r.counts.total ?? 0), 0)
    if (operations < bigColumns) throw new Error(`the store holds ${operations} operations, not ${bigColumns}`)
    log(`  filled in ${(fillMs / 1000).toFixed(1)} s (${operations} operations), ingested in ${(ingestMs / 1000).toFixed(1)} s`)
    return { database, dir, config, operations, fillMs, ingestMs, out, drop }
  } catch (error) {
    await drop()
    throw error
  }
}
