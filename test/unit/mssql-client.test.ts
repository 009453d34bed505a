import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mssqlConnector } from '../../src/connectors/mssql/index.js'
import { mssqlConnectionSchema } from '../../src/connectors/mssql/mssql-connection.js'
import type { Statement } from '../../src/connectors/connector.js'
import { sqlStatement } from '../../src/model/statement.js'

/**
 * The client's own logic over a recording stand-in of the `mssql` module (no server runs here):
 * which requests it sends, with which bound values and types, how it batches and how it pins a
 * failure on its unit. The real driver is run in mssql-driver.test.ts up to a refused connection.
 */
type Sent = { database: string; text: string; inputs: [string, string, unknown][] }
const sent: Sent[] = []
let failWhen: (text: string) => Error | undefined = () => undefined

vi.mock('mssql', () => {
  class Request {
    private readonly inputs: [string, string, unknown][] = []
    constructor(private readonly database: string) {}
    input(name: string, type: { type: string }, value: unknown) {
      this.inputs.push([name, type.type, value])
      return this
    }
    async query(text: string) {
      sent.push({ database: this.database, text, inputs: this.inputs })
      const error = failWhen(text)
      if (error !== undefined) throw error
      return { recordset: [] }
    }
  }
  class ConnectionPool {
    constructor(private readonly config: { database: string }) {}
    on() {
      return this
    }
    async connect() {
      return this
    }
    request() {
      return new Request(this.config.database)
    }
    async close() {}
  }
  const api = { ConnectionPool, NVarChar: (length: number) => ({ type: `nvarchar(${length})` }), MAX: 'max' }
  return { ...api, default: api }
})

const connection = mssqlConnectionSchema.parse({ user: 'u', password: 'pw', batchSize: 3 })
const dialect = mssqlConnector.createDialect(connection)
const table = (name: string) => ({ asset: { level: 'table' as const, service: 's', database: 'Shop', schema: 'dbo', table: name }, objectType: 'table' })
const describe1 = (name: string, text: string): Statement[] => dialect.description.render(table(name), text)

beforeEach(() => {
  sent.length = 0
  failWhen = () => undefined
})

describe('mssql client', () => {
  it('sends units of extended properties together, up to batchSize statements, each value bound with its type', async () => {
    const client = await mssqlConnector.createClient(connection, { service: 's', dialect })
    const units = [describe1('a', "it's"), describe1('b', 'x'), describe1('c', 'y'), describe1('d', 'z')]
    expect(await client.execute('Shop', units)).toEqual(units.map(() => ({ ok: true })))
    expect(sent.map((s) => s.inputs.length)).toEqual([12, 4])
    expect(sent[0]!.database).toBe('Shop')
    expect(sent[0]!.text.startsWith('SET LOCK_TIMEOUT 5000;\nSET XACT_ABORT ON;\nBEGIN TRY\nBEGIN TRANSACTION;')).toBe(true)
    expect(sent[0]!.inputs.slice(0, 2)).toEqual([
      ['rm0_name', 'nvarchar(128)', 'MS_Description'],
      ['rm0_value', 'nvarchar(4000)', "it's"],
    ])
    expect(sent[1]!.inputs.find(([name]) => name === 'rm0_level1name')).toEqual(['rm0_level1name', 'nvarchar(128)', 'd'])
    await client.close()
  })

  it('a failed batch is rerun unit by unit: the failure stays with its own unit, the others apply', async () => {
    const client = await mssqlConnector.createClient(connection, { service: 's', dialect })
    let calls = 0
    failWhen = () => {
      calls++
      // The batch fails, then the second unit alone fails again.
      return calls === 1 || calls === 3 ? Object.assign(new Error('Object is invalid.'), { number: 15135, code: 'EREQUEST' }) : undefined
    }
    const results = await client.execute('Shop', [describe1('a', 'x'), describe1('missing', 'y'), describe1('c', 'z')])
    expect(results.map((r) => r.ok)).toEqual([true, false, true])
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'OBJECT_NOT_FOUND' } })
    expect(sent).toHaveLength(4)
    await client.close()
  })

  it('owner changes and custom SQL go alone, as written, after the session setup', async () => {
    const client = await mssqlConnector.createClient(connection, { service: 's', dialect })
    const owner = dialect.owners.render(table('a'), 'bob')
    await client.execute('Shop', [describe1('a', 'x'), owner, [sqlStatement('Shop', 'EXEC dbo.custom')], describe1('b', 'y')])
    expect(sent.map((s) => s.text.split('\n').at(-1))).toEqual(['END CATCH', 'ALTER AUTHORIZATION ON OBJECT::[dbo].[a] TO [bob]', 'EXEC dbo.custom', 'END CATCH'])
    expect(sent[1]!.text).toBe('SET LOCK_TIMEOUT 5000;\nALTER AUTHORIZATION ON OBJECT::[dbo].[a] TO [bob]')
    expect(sent[1]!.inputs).toEqual([])
    await client.close()
  })

  it('catalog text that looks like a placeholder stays a bound value, never renamed or run', async () => {
    const client = await mssqlConnector.createClient(connection, { service: 's', dialect })
    const sly = "@rm_value @rm0_name'); DROP TABLE x; --"
    await client.execute('Shop', [describe1(sly, sly), describe1('b', sly)])
    expect(sent).toHaveLength(1)
    expect(sent[0]!.text).not.toContain('DROP TABLE')
    expect(sent[0]!.inputs.filter(([, , value]) => value === sly).map(([name]) => name)).toEqual(['rm0_value', 'rm0_level1name', 'rm1_value'])
    await client.close()
  })

  it('a statement routed to another database is refused before anything is sent', async () => {
    const client = await mssqlConnector.createClient(connection, { service: 's', dialect })
    const [result] = await client.execute('Other', [describe1('a', 'x')])
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(sent).toEqual([])
    await client.close()
  })
})
