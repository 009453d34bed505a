import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import { promisify } from 'node:util'
import pg from 'pg'
import { changeEvent } from '../test/support/om-events.js'

/** Shared by the benches: the local server, the schema they describe, the events and the SQL. */

export const server = { host: '127.0.0.1', port: 5432, user: 'postgres' }
export const service = 'bench'
const run = promisify(execFile)

export async function connect(database = 'postgres', at: { host: string; port: number } = server): Promise<pg.Client> {
  const client = new pg.Client({ ...server, ...at, database })
  await client.connect()
  return client
}

/** Runs `fn` against the admin database and closes the connection. */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export const now = () => performance.now()

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s`

/** Every table of the bench schema: `tables` tables spread over schemas of 200, 9 text columns each. */
export interface Shape {
  readonly tables: number
  readonly columns: number
}

export const schemaOf = (t: number) => `sch_${String(Math.floor(t / 200)).padStart(2, '0')}`
export const tableOf = (t: number) => `tbl_${String(t).padStart(5, '0')}`
export const columnOf = (c: number) => `col_${c + 1}`

/** The comment each object ends with: plain text (Markdown is written as is) with a quote to escape. */
export const tableText = (t: number) => `Orders placed through channel ${t}: one row per order line, it's the source of truth for revenue reporting.`
export const columnText = (t: number, c: number) => `Column ${c + 1} of ${tableOf(t)}: the customer's value as entered at checkout (free text, may be empty).`

export function createSchemaSql(shape: Shape): string {
  const lines: string[] = []
  const schemas = new Set<string>()
  for (let t = 0; t < shape.tables; t++) {
    if (!schemas.has(schemaOf(t))) lines.push(`CREATE SCHEMA ${schemaOf(t)};`)
    schemas.add(schemaOf(t))
    const cols = Array.from({ length: shape.columns }, (_, c) => `${columnOf(c)} text`).join(', ')
    lines.push(`CREATE TABLE ${schemaOf(t)}.${tableOf(t)} (${cols});`)
  }
  return lines.join('\n')
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`

/** The minimal SQL that leaves the database exactly as the events do: one COMMENT per change (`null` clears). */
export function commentSql(shape: Shape, clear = false): string {
  const lines: string[] = []
  for (let t = 0; t < shape.tables; t++) {
    const table = `${schemaOf(t)}.${tableOf(t)}`
    lines.push(`COMMENT ON TABLE ${table} IS ${clear ? 'NULL' : literal(tableText(t))};`)
    for (let c = 0; c < shape.columns; c++) lines.push(`COMMENT ON COLUMN ${table}.${columnOf(c)} IS ${clear ? 'NULL' : literal(columnText(t, c))};`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * The same changes as OpenMetadata ChangeEvents, one per change, as OpenMetadata emits them when a
 * data steward edits descriptions table by table: the table's own description, then each column's.
 */
export function* changeEvents(shape: Shape, database: string, first = 0): Generator<Record<string, unknown>> {
  for (let t = first; t < first + shape.tables; t++) {
    const fqn = `${service}.${database}.${schemaOf(t)}.${tableOf(t)}`
    yield changeEvent('table', fqn, { updated: [{ name: 'description', oldValue: '', newValue: tableText(t) }] })
    for (let c = 0; c < shape.columns; c++) {
      yield changeEvent('table', fqn, { updated: [{ name: `columns.${columnOf(c)}.description`, oldValue: '', newValue: columnText(t, c) }] })
    }
  }
}

export const changesOf = (shape: Shape) => shape.tables * (1 + shape.columns)

export async function writeEventsJson(file: string, shape: Shape, database: string): Promise<void> {
  await writeFile(file, JSON.stringify([...changeEvents(shape, database)]))
}

/** Runs a SQL file with psql in one transaction, as a DBA would: the baseline. */
export async function psqlFile(database: string, file: string): Promise<number> {
  const start = now()
  await run('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', database, '-f', file])
  return now() - start
}

/** A YAML configuration for one PostgreSQL service (the bench writes it; revmeta loads it). */
export function configYaml(database: string, at: { host: string; port: number }, options: { connectionBatchSize: number; executionBatchSize?: number; store?: string }): string {
  return [
    ...(options.store ? ['store:', `  ${options.store}`] : []),
    ...(options.executionBatchSize ? ['execution:', `  batchSize: ${options.executionBatchSize}`] : []),
    'services:',
    `  - name: ${service}`,
    '    type: postgres',
    '    connection:',
    `      host: ${at.host}`,
    `      port: ${at.port}`,
    `      user: ${server.user}`,
    `      database: ${database}`,
    `      batchSize: ${options.connectionBatchSize}`,
    '',
  ].join('\n')
}

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memory: string
  readonly os: string
  readonly node: string
  readonly postgres: string
  readonly psql: string
  readonly date: string
  /** The revmeta measured: commit, and the files of src/ that differ from it. */
  readonly revision: string
}

export async function machine(): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const cpu = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown'
  const postgres = await admin(async (c) => (await c.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v)
  const psql = (await run('psql', ['--version'])).stdout.trim()
  const git = async (...args: string[]) => (await run('git', args).catch(() => ({ stdout: '' }))).stdout
  const changed = (await git('status', '--porcelain', '--', 'src')).split('\n').filter(Boolean).map((line) => line.slice(3))
  const commit = (await git('rev-parse', '--short', 'HEAD')).trim() || 'unknown'
  return {
    cpu,
    cores: os.cpus().length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
    psql,
    date: new Date().toISOString(),
    revision: changed.length === 0 ? `commit ${commit}` : `commit ${commit} with uncommitted changes in ${changed.join(', ')}`,
  }
}
