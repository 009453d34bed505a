import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { Session } from 'chdb'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { hostileBase, mixedUnicode } from './hostile-strings.js'
import { columnComments, createTempMysqlDatabase, type TempMysqlDatabase } from './mysql-server.js'
import { changeEvent } from './om-events.js'
import { createTempDatabase, type TempDatabase } from './postgres-server.js'
import { revmeta } from './run-cli.js'

/**
 * The hostile-string campaign: seeded strings, each the new description of its own column in
 * every live engine, sent through the default path (`revmeta apply` as a child process, embedded
 * store), then `runs` and `replay` on the same store. Every operation must end with exactly its
 * string read back from the database, or refused with a coded VALUE_INVALID (VALUE_TOO_LONG for
 * text past an engine's limit) and the column left as it was; nothing else may go missing.
 */

/** Pieces that broke quoting, encodings or stores somewhere once. */
const specials = [
  '\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFEFF', '\uFDD0', '\uFFFE', '\uFFFF', '\u202E', '\u200F', '\u200B', '\u2028', '\u0085', '\u007F',
  "'", "''", '"', '\\', '\\\\', "\\'", '$$', '$tag$', '$1', '\n', '\r\n', '\r', '\t', '`', '--', '/*', '*/', ';', '%', '_', '{}', '{description}', '%s',
  '🦄', '👩‍👩‍👧', 'e\u0301', '\u{10FFFF}', '\u{E0001}', '\u{1F600}', '中文', 'שלום', 'مرحبا', '\\u0000', '\\x00', 'NULL', "'); DROP TABLE x; --",
]
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...specials) },
  { weight: 1, arbitrary: fc.constantFrom(...Object.values(hostileBase).filter((v) => v.length < 1_000), mixedUnicode) },
  // Any UTF-16 code unit (lone surrogates included), and any code point of every plane.
  { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
)
const hostile = fc.oneof(
  { weight: 30, arbitrary: fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
  // Long text: past MariaDB's 1,024-character column comments, well within the others.
  { weight: 1, arbitrary: fc.tuple(piece, fc.integer({ min: 200, max: 3_000 })).map(([p, n]) => p.repeat(Math.ceil(n / p.length))) },
)

/** `count` hostile strings for `seed`, all different, none empty (an empty comment is "no comment"). */
export function hostileStrings(seed: number, count: number): string[] {
  const out = new Set<string>()
  for (const value of fc.sample(hostile, { seed, numRuns: count * 2 })) {
    if (value.length > 0 && value.trim().length > 0) out.add(value)
    if (out.size === count) break
  }
  return [...out]
}

/** Names for the hostile-name part: objects that do not exist, so each must end in a coded error. */
const hostileNames = ['t\u0000x', 't\uD800', `t${'\uDC00'}`, "t'x", 't\\x', 't`x', 't$$x', 't\nx', '\uFEFFt', 't\u202Ex', 't;x', 'x'.repeat(300)]

interface EngineSetup {
  readonly service: string
  readonly tableFqn: string
  /** Column comment per column name, as the engine reads it now. */
  read(): Promise<Record<string, string | null>>
  /** What a column with no comment reads as. */
  readonly empty: string | null
}

export interface CampaignRound {
  readonly seed: number
  readonly strings: readonly string[]
  /** Every problem found, each naming the engine, the string and what happened; empty when the round holds. */
  readonly problems: string[]
  readonly outcomes: Record<string, number>
  /** Milliseconds per command, for the fuzz log. */
  readonly timings: Record<string, number>
}

const columns = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`)

/** Runs one round in fresh databases and directories; throws only when the environment is broken. */
export async function runCampaignRound(seed: number, count: number): Promise<CampaignRound> {
  const strings = hostileStrings(seed, count)
  const cols = columns(strings.length)
  const dir = await mkdtemp(path.join(tmpdir(), 'revmeta-campaign-'))
  let pg: TempDatabase | undefined
  let maria: TempMysqlDatabase | undefined
  try {
    try {
      pg = await createTempDatabase('rm_campaign')
    } catch (error) {
      throw new Error(`The hostile-string campaign needs PostgreSQL at 127.0.0.1:5432 (user postgres): ${(error as Error).message}`)
    }
    try {
      maria = await createTempMysqlDatabase('rm_campaign')
    } catch (error) {
      throw new Error(`The hostile-string campaign needs MariaDB at 127.0.0.1:3306 (user root, no password): ${(error as Error).message}`)
    }
    await pg.client.query(`CREATE SCHEMA s; CREATE TABLE s.t (${cols.map((c) => `${c} int`).join(', ')})`)
    await maria.conn.query(`CREATE TABLE \`${maria.name}\`.t (${cols.map((c) => `${c} int`).join(', ')})`)
    await writeFile(path.join(dir, 'ch.sql'), `CREATE DATABASE sales; CREATE TABLE sales.t (${cols.map((c) => `${c} Int32`).join(', ')}) ENGINE = MergeTree ORDER BY tuple();`)
    await writeFile(path.join(dir, 'duck.sql'), `CREATE SCHEMA sales; CREATE TABLE sales.t (${cols.map((c) => `${c} INTEGER`).join(', ')});`)
    const config = path.join(dir, 'revmeta.yaml')
    await writeFile(
      config,
      stringify({
        services: [
          { name: 'pg', type: 'postgres', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: pg.name } },
          { name: 'maria', type: 'mysql', connection: { host: '127.0.0.1', port: 3306, user: 'root' } },
          { name: 'duck', type: 'duckdb', connection: { path: 'shop.duckdb', initSql: 'duck.sql' } },
          { name: 'ch', type: 'clickhouse', connection: { mode: 'embedded', path: 'chdata', initSql: 'ch.sql' } },
        ],
        channels: [{ name: 'docs', sync: { descriptions: true, tags: true, owners: false } }],
      }),
    )
    const pgClient = pg.client
    const mariaDb = maria
    const engines: EngineSetup[] = [
      {
        service: 'pg',
        tableFqn: `pg.${pg.name}.s.t`,
        empty: null,
        async read() {
          const { rows } = await pgClient.query(`SELECT attname AS n, col_description(attrelid, attnum) AS c FROM pg_attribute WHERE attrelid = 's.t'::regclass AND attnum > 0`)
          return Object.fromEntries(rows.map((r: { n: string; c: string | null }) => [r.n, r.c]))
        },
      },
      { service: 'maria', tableFqn: `maria.default.${maria.name}.t`, empty: '', read: () => columnComments(mariaDb.conn, mariaDb.name, 't') },
      { service: 'duck', tableFqn: 'duck.shop.sales.t', empty: null, read: () => duckComments(path.join(dir, 'shop.duckdb')) },
      { service: 'ch', tableFqn: 'ch.default.sales.t', empty: '', read: async () => chComments(path.join(dir, 'chdata')) },
    ]
    const events = engines.flatMap((e) => strings.map((s, i) => changeEvent('table', e.tableFqn, { updated: [{ name: `columns.${cols[i]}.description`, oldValue: 'before', newValue: s }] })))
    const named = engines.flatMap((e) => hostileNames.map((n) => changeEvent('table', `${e.tableFqn.replace(/\.t$/, '')}.${n}`, { updated: [{ name: 'description', oldValue: '', newValue: 'x' }] })))
    const eventsFile = path.join(dir, 'events.json')
    await writeFile(eventsFile, JSON.stringify([...events, ...named]))

    const problems: string[] = []
    const outcomes: Record<string, number> = {}
    const timings: Record<string, number> = {}
    const timed = async (name: string, ...args: string[]) => {
      const start = Date.now()
      const result = await revmeta(...args)
      timings[name] = Date.now() - start
      return result
    }
    const apply = await timed('apply', 'apply', '--config', config, '--events', eventsFile, '--json')
    let report: { operations: { service: string; asset: string; status: string; error?: { code: string; message: string } }[]; input?: { errors?: { code: string }[] } }
    try {
      report = JSON.parse(apply.stdout)
    } catch {
      return { seed, strings, problems: [`apply printed no report (exit ${apply.code}): ${apply.stderr.slice(0, 2_000)}`], outcomes, timings }
    }
    for (const engine of engines) {
      const now = await engine.read()
      strings.forEach((value, i) => {
        const asset = `${engine.tableFqn}.${cols[i]}`
        const op = report.operations.find((o) => o.asset === asset)
        const shown = JSON.stringify(value).slice(0, 200)
        if (op === undefined) return void problems.push(`${engine.service}: no operation for string ${i} ${shown}`)
        const outcome = op.error ? `${op.status}:${op.error.code}` : op.status
        outcomes[`${engine.service} ${outcome}`] = (outcomes[`${engine.service} ${outcome}`] ?? 0) + 1
        if (op.status === 'applied' || op.status === 'unchanged') {
          if (now[cols[i]!] !== value) problems.push(`${engine.service}: ${op.status} but reads back ${JSON.stringify(now[cols[i]!])?.slice(0, 200)} for ${shown}`)
        } else if (op.status === 'failed' && (op.error?.code === 'VALUE_INVALID' || op.error?.code === 'VALUE_TOO_LONG')) {
          if (now[cols[i]!] !== engine.empty) problems.push(`${engine.service}: refused (${op.error.code}) but the column changed to ${JSON.stringify(now[cols[i]!])?.slice(0, 200)} for ${shown}`)
        } else {
          problems.push(`${engine.service}: ${outcome} (${op.error?.message?.slice(0, 200)}) for ${shown}`)
        }
      })
      // Tables named with hostile strings do not exist: each must fail with a coded error of its own.
      for (const op of report.operations.filter((o) => o.service === engine.service && !o.asset.startsWith(`${engine.tableFqn}.`))) {
        const outcome = `${engine.service} name ${op.status}:${op.error?.code}`
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
        if (op.status !== 'failed' || op.error === undefined) problems.push(`${engine.service}: ${op.asset} (no such table) ended ${op.status}`)
      }
    }
    for (const op of report.operations) if (op.error?.code === 'INTERNAL') problems.push(`${op.service} ${op.asset}: INTERNAL ${op.error.message.slice(0, 300)}`)
    for (const error of report.input?.errors ?? []) if (error.code === 'INTERNAL') problems.push(`input: INTERNAL ${JSON.stringify(error).slice(0, 300)}`)
    // The store took all of it: the other commands still work on it.
    const runs = await timed('runs', 'runs', '--config', config, '--json')
    if (runs.code !== 0) problems.push(`runs failed (exit ${runs.code}): ${runs.stderr.slice(0, 500)}`)
    const replay = await timed('replay', 'replay', '--config', config, '--json')
    if (replay.code > 1 || /INTERNAL/.test(replay.stderr)) problems.push(`replay failed (exit ${replay.code}): ${replay.stderr.slice(0, 500)}`)
    else if (!replay.stdout.includes('"operations"')) problems.push(`replay printed no report: ${replay.stdout.slice(0, 300)}`)
    return { seed, strings, problems, outcomes, timings }
  } finally {
    await pg?.drop().catch(() => {})
    await maria?.drop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}

/** DuckDB's Node client drops a leading U+FEFF when it decodes text: read behind a guard character. */
async function duckComments(file: string): Promise<Record<string, string | null>> {
  const instance = await DuckDBInstance.create(file)
  const connection = await instance.connect()
  try {
    const rows = (await connection.runAndReadAll(`SELECT column_name AS n, '.' || comment AS c FROM duckdb_columns() WHERE schema_name = 'sales' AND table_name = 't'`)).getRowObjects()
    return Object.fromEntries(rows.map((r) => [r.n as string, r.c === null ? null : (r.c as string).slice(1)]))
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

function chComments(dataPath: string): Record<string, string> {
  const session = new Session(dataPath)
  try {
    const out = session.query(`SELECT name AS n, comment AS c FROM system.columns WHERE database = 'sales' AND table = 't'`, 'JSONEachRow')
    return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { n: string; c: string }).map((r) => [r.n, r.c]))
  } finally {
    session.cleanup?.()
  }
}
