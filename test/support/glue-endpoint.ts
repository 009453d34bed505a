import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stateful loopback stand-in for the AWS Glue Data Catalog, speaking the subset of its JSON 1.1
 * protocol (POST / with `X-Amz-Target: AWSGlue.<Action>`, JSON in and out, errors as
 * `{"__type": ...}`) that the official @aws-sdk/client-glue sends for revmeta: GetDatabase,
 * GetDatabases, GetTable, GetTables (paged), UpdateDatabase, UpdateTable. It holds databases and
 * tables: an update replaces the whole object as Glue does (a field left out of the input is
 * gone), bumps VersionId, and changes what the next read returns. Tests script faults
 * (ConcurrentModificationException, ThrottlingException, permanent errors) and another writer.
 */
export type GlueObject = Record<string, unknown>

export interface GlueRequest {
  readonly action: string
  readonly body: GlueObject
  /** The access key id of the SigV4 Authorization header, when signed. */
  readonly accessKeyId?: string
}

interface Fault {
  readonly action: string
  readonly type: string
  readonly status: number
  readonly message: string
  times: number
}

/** Fields GetTable returns that TableInput has not: Glue refuses them in an update. */
const tableReadOnly = ['DatabaseName', 'CreateTime', 'UpdateTime', 'CreatedBy', 'IsRegisteredWithLakeFormation', 'CatalogId', 'VersionId', 'IsMultiDialectView', 'IsMaterializedView', 'Status']
const databaseReadOnly = ['CreateTime', 'CatalogId']
const singleLine = /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}\t]*$/u
const multiLine = /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}\t\r\n]*$/u

class GlueError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

export class GlueEndpoint {
  readonly requests: GlueRequest[] = []
  private readonly databases = new Map<string, GlueObject>()
  private readonly tables = new Map<string, Map<string, GlueObject>>()
  private readonly faults: Fault[] = []
  private readonly beforeUpdate: (() => void)[] = []
  private server!: Server
  url = ''

  /** Tables per GetTables page (Glue's own default is 100); small to exercise paging. */
  constructor(readonly pageSize = 100) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  putDatabase(database: GlueObject): this {
    this.databases.set(String(database.Name), structuredClone({ CreateTime: 1_700_000_000, CatalogId: '123456789012', ...database }))
    if (!this.tables.has(String(database.Name))) this.tables.set(String(database.Name), new Map())
    return this
  }

  /** A table as GetTable returns it; VersionId starts at "1" unless given. */
  putTable(database: string, table: GlueObject): this {
    const full = { DatabaseName: database, CreateTime: 1_700_000_000, UpdateTime: 1_700_000_000, CatalogId: '123456789012', VersionId: '1', CreatedBy: 'arn:aws:iam::123456789012:user/etl', IsRegisteredWithLakeFormation: false, ...table }
    this.tables.get(database)!.set(String(table.Name), structuredClone(full))
    return this
  }

  database(name: string): GlueObject | undefined {
    const found = this.databases.get(name)
    return found === undefined ? undefined : structuredClone(found)
  }

  table(database: string, name: string): GlueObject | undefined {
    const found = this.tables.get(database)?.get(name)
    return found === undefined ? undefined : structuredClone(found)
  }

  /** Another writer's UpdateTable, made directly on the state (VersionId bumped as Glue does). */
  changeTable(database: string, name: string, change: (table: GlueObject) => void): void {
    const table = this.tables.get(database)!.get(name)!
    change(table)
    table.VersionId = String(Number(table.VersionId) + 1)
  }

  /** The next `times` requests of `action` fail with Glue error `type`. */
  fail(action: string, type: string, options: { times?: number; status?: number; message?: string } = {}): this {
    this.faults.push({ action, type, status: options.status ?? (type === 'InternalServiceException' ? 500 : 400), message: options.message ?? `${type} (scripted)`, times: options.times ?? 1 })
    return this
  }

  /** Runs `change` just before the next update is applied: another writer slipping in between read and write. */
  beforeNextUpdate(change: () => void): this {
    this.beforeUpdate.push(change)
    return this
  }

  actions(): string[] {
    return this.requests.map((r) => r.action)
  }

  updates(): GlueRequest[] {
    return this.requests.filter((r) => r.action.startsWith('Update'))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const target = String(req.headers['x-amz-target'] ?? '')
    const action = target.replace(/^AWSGlue\./, '')
    const auth = String(req.headers.authorization ?? '')
    const accessKeyId = /Credential=([^/]+)\//.exec(auth)?.[1]
    let body: GlueObject = {}
    try {
      body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as GlueObject) : {}
    } catch {
      return this.reply(res, 400, { __type: 'SerializationException', message: 'body is not JSON' })
    }
    this.requests.push({ action, body, ...(accessKeyId !== undefined ? { accessKeyId } : {}) })
    try {
      if (req.method !== 'POST' || !target.startsWith('AWSGlue.')) throw new GlueError('UnknownOperationException', `no such target ${target}`)
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1') throw new GlueError('SerializationException', `content-type ${String(req.headers['content-type'])}`)
      if (!auth.startsWith('AWS4-HMAC-SHA256 ')) throw new GlueError('MissingAuthenticationTokenException', 'request is not signed', 403)
      const fault = this.faults.find((f) => f.action === action && f.times > 0)
      if (fault !== undefined) {
        fault.times--
        throw new GlueError(fault.type, fault.message, fault.status)
      }
      this.reply(res, 200, this.answer(action, body))
    } catch (error) {
      if (!(error instanceof GlueError)) throw error
      this.reply(res, error.status, { __type: error.type, message: error.message })
    }
  }

  private reply(res: ServerResponse, status: number, payload: unknown): void {
    const text = JSON.stringify(payload)
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `req-${this.requests.length}` })
    res.end(text)
  }

  private answer(action: string, body: GlueObject): unknown {
    switch (action) {
      case 'GetDatabase':
        return { Database: this.databaseNamed(String(body.Name)) }
      case 'GetDatabases':
        return this.page([...this.databases.values()], body, 'DatabaseList')
      case 'GetTable':
        return { Table: this.tableNamed(String(body.DatabaseName), String(body.Name)) }
      case 'GetTables':
        this.databaseNamed(String(body.DatabaseName))
        return this.page([...this.tables.get(String(body.DatabaseName))!.values()], body, 'TableList')
      case 'UpdateTable':
        return this.updateTable(body)
      case 'UpdateDatabase':
        return this.updateDatabase(body)
      default:
        throw new GlueError('UnknownOperationException', `AWSGlue.${action} is not part of this endpoint`)
    }
  }

  private page(items: GlueObject[], body: GlueObject, key: string): unknown {
    const sorted = items.sort((a, b) => String(a.Name).localeCompare(String(b.Name)))
    const start = body.NextToken === undefined ? 0 : Number(String(body.NextToken).replace('page-', ''))
    const size = typeof body.MaxResults === 'number' ? Math.min(body.MaxResults, this.pageSize) : this.pageSize
    const next = start + size < sorted.length ? { NextToken: `page-${start + size}` } : {}
    return { [key]: sorted.slice(start, start + size), ...next }
  }

  private databaseNamed(name: string): GlueObject {
    const found = this.databases.get(name)
    if (found === undefined) throw new GlueError('EntityNotFoundException', `Database ${name} not found.`)
    return found
  }

  private tableNamed(database: string, name: string): GlueObject {
    this.databaseNamed(database)
    const found = this.tables.get(database)!.get(name)
    if (found === undefined) throw new GlueError('EntityNotFoundException', `Table ${name} not found.`)
    return found
  }

  private updateTable(body: GlueObject): unknown {
    const database = String(body.DatabaseName)
    const current = this.tableNamed(database, String(body.Name))
    for (const change of this.beforeUpdate.splice(0)) change()
    if (body.VersionId !== undefined && body.VersionId !== current.VersionId) {
      throw new GlueError('ConcurrentModificationException', `Update table failed due to concurrent modifications: version ${String(body.VersionId)} is not the current ${String(current.VersionId)}.`)
    }
    const input = (body.TableInput ?? {}) as GlueObject
    checkTableInput(input)
    // The whole table is replaced: what the input leaves out is gone, as in Glue.
    const kept = Object.fromEntries(['DatabaseName', 'CreateTime', 'CreatedBy', 'IsRegisteredWithLakeFormation', 'CatalogId'].flatMap((k) => (current[k] === undefined ? [] : [[k, current[k]]])))
    this.tables.get(database)!.set(String(body.Name), { ...structuredClone(input), ...kept, UpdateTime: 1_800_000_000, VersionId: String(Number(current.VersionId) + 1) })
    return {}
  }

  private updateDatabase(body: GlueObject): unknown {
    const current = this.databaseNamed(String(body.Name))
    const input = (body.DatabaseInput ?? {}) as GlueObject
    for (const key of databaseReadOnly) if (key in input) throw new GlueError('InvalidInputException', `DatabaseInput has no field ${key}`)
    if (input.Name !== body.Name) throw new GlueError('InvalidInputException', 'renaming a database is not supported')
    checkText(input.Description, multiLine, 2048, 'Description')
    this.databases.set(String(body.Name), { ...structuredClone(input), CreateTime: current.CreateTime, CatalogId: current.CatalogId })
    return {}
  }
}

function checkText(value: unknown, pattern: RegExp, max: number, what: string): void {
  if (value === undefined) return
  if (typeof value !== 'string') throw new GlueError('InvalidInputException', `${what} must be a string`)
  if (!pattern.test(value)) throw new GlueError('InvalidInputException', `1 validation error detected: Value at '${what}' failed to satisfy constraint: Member must satisfy regular expression pattern`)
  if ([...value].length > max) throw new GlueError('InvalidInputException', `1 validation error detected: Value at '${what}' failed to satisfy constraint: Member must have length less than or equal to ${max}`)
}

function checkTableInput(input: GlueObject): void {
  for (const key of tableReadOnly) if (key in input) throw new GlueError('InvalidInputException', `TableInput has no field ${key}`)
  if (typeof input.Name !== 'string') throw new GlueError('InvalidInputException', 'TableInput.Name is required')
  checkText(input.Description, multiLine, 2048, 'tableInput.description')
  checkText(input.Owner, singleLine, 255, 'tableInput.owner')
  const storage = input.StorageDescriptor as { Columns?: GlueObject[] } | undefined
  const columns = [...(storage?.Columns ?? []), ...((input.PartitionKeys as GlueObject[] | undefined) ?? [])]
  for (const column of columns) checkText(column.Comment, singleLine, 255, `tableInput.storageDescriptor.columns.member.comment`)
}

export async function startGlueEndpoint(pageSize?: number): Promise<GlueEndpoint> {
  return new GlueEndpoint(pageSize).start()
}
