import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ErrorReport, OperationReport } from '../../src/model/report.js'
import type { DescriptionOperation, TagsOperation } from '../../src/model/operation.js'
import { migrate } from '../../src/store/migrate.js'
import { openPgRunner } from '../../src/store/pg-runner.js'
import { openSqliteRunner } from '../../src/store/sqlite-runner.js'
import type { SqlRunner } from '../../src/store/sql-runner.js'
import { SqlStateStore } from '../../src/store/sql-state-store.js'
import { connect } from '../support/postgres-server.js'

/**
 * One database per test file and store kind; each test takes a schema of its own in it, so tests
 * never see each other's rows and the (slow) database set-up happens once per file.
 */
export interface StoreTarget {
  readonly name: 'sqlite' | 'postgres'
  /** Sets up the database; PostgreSQL missing fails here with a message that says how to start it. */
  setup(): Promise<void>
  teardown(): Promise<void>
  /** A migrated store in a fresh schema (PostgreSQL: on the shared runner, closing it is a no-op; SQLite: a file of its own). */
  fresh(): Promise<SqlStateStore>
  /** What openStore needs to reach this target's database. */
  config(): { url?: string; dir?: string }
  /** PostgreSQL: the shared runner; SQLite: the runner of the store `fresh()` made last. */
  readonly runner: SqlRunner
}

let schemaCount = 0
const nextSchema = () => `t${process.pid}_${++schemaCount}_${randomBytes(2).toString('hex')}`

class SharedRunnerStore extends SqlStateStore {
  override async close(): Promise<void> {}
}

function target(name: StoreTarget['name'], open: () => Promise<{ runner: SqlRunner; config: { url?: string; dir?: string }; drop(): Promise<void> }>): StoreTarget {
  let state: Awaited<ReturnType<typeof open>> | undefined
  return {
    name,
    async setup() {
      state = await open()
    },
    async teardown() {
      if (!state) return
      await state.runner.close()
      await state.drop()
      state = undefined
    },
    async fresh() {
      const schema = nextSchema()
      await migrate(this.runner, schema)
      return new SharedRunnerStore(this.runner, schema)
    },
    config() {
      if (!state) throw new Error('target not set up')
      return state.config
    },
    get runner() {
      if (!state) throw new Error('target not set up')
      return state.runner
    },
  }
}

/** The embedded store: one SQLite file per store (one file holds one store), all under one temporary directory. */
export const sqliteTarget = (): StoreTarget => {
  let dir: string | undefined
  let last: SqlRunner | undefined
  let count = 0
  return {
    name: 'sqlite',
    async setup() {
      dir = await mkdtemp(path.join(tmpdir(), 'revmeta-store-'))
    },
    async teardown() {
      if (dir) await rm(dir, { recursive: true, force: true })
      dir = undefined
    },
    async fresh() {
      if (!dir) throw new Error('target not set up')
      const runner = await openSqliteRunner(path.join(dir, `store-${++count}`))
      await migrate(runner, 'revmeta')
      last = runner
      return new SqlStateStore(runner, 'revmeta')
    },
    config() {
      if (!dir) throw new Error('target not set up')
      return { dir: path.join(dir, 'other') }
    },
    get runner() {
      if (!last) throw new Error('no store made yet: call fresh() first')
      return last
    },
  }
}

export const postgresTarget = () =>
  target('postgres', async () => {
    const db = `revmeta_store_${randomBytes(4).toString('hex')}`
    const admin = await connect()
    try {
      await admin.query(`CREATE DATABASE ${db}`)
    } finally {
      await admin.end()
    }
    const url = `postgres://postgres@127.0.0.1:5432/${db}`
    const runner = await openPgRunner({ url })
    return {
      runner,
      config: { url },
      async drop() {
        const a = await connect()
        await a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
        await a.end()
      },
    }
  })

export const bothTargets = () => [sqliteTarget(), postgresTarget()]

export function describeOp(table: string, description: string | null, options: { channel?: string; service?: string; eventId?: string } = {}): DescriptionOperation {
  const channel = options.channel ?? 'docs'
  const service = options.service ?? 'warehouse'
  const asset = { service, database: 'shop', schema: 'sales', table, level: 'table' as const }
  return {
    id: `${channel}|${service}.shop.sales.${table}|description`,
    channel,
    service,
    asset,
    kind: 'description',
    description,
    origins: [{ source: 'event', index: 0, ...(options.eventId ? { eventId: options.eventId } : {}) }],
  }
}

export function tagsOp(table: string, add: string[], remove: string[], eventId: string): TagsOperation {
  const label = (tagFQN: string) => ({ tagFQN, source: 'Classification' as const })
  const asset = { service: 'warehouse', database: 'shop', schema: 'sales', table, level: 'table' as const }
  return {
    id: `docs|warehouse.shop.sales.${table}|tags`,
    channel: 'docs',
    service: 'warehouse',
    asset,
    kind: 'tags',
    add: add.map(label),
    remove: remove.map(label),
    origins: [{ source: 'event', index: 0, eventId }],
  }
}

export function report(op: { op: { id: string; channel: string; service: string; kind: 'description' | 'tags' | 'owners' } }, status: OperationReport['status'], verified = false): OperationReport {
  return {
    id: op.op.id,
    channel: op.op.channel,
    service: op.op.service,
    asset: op.op.id.split('|')[1]!,
    level: 'table',
    kind: op.op.kind,
    status,
    statements: status === 'applied' ? ['COMMENT ON TABLE x IS y'] : [],
    ...(verified ? { verified: true } : {}),
    warnings: [],
    origins: [],
  }
}

export const lockTimeout: ErrorReport = { code: 'LOCK_TIMEOUT', message: 'lock timeout', retryable: true }
export const missing: ErrorReport = { code: 'OBJECT_NOT_FOUND', message: 'relation does not exist', retryable: false }
