import { describe, expect, it } from 'vitest'
import { mssqlConnector } from '../../src/connectors/mssql/index.js'
import { mssqlConnectionSchema } from '../../src/connectors/mssql/mssql-connection.js'
import { mssqlPoolConfig } from '../../src/connectors/mssql/mssql-options.js'
import { sqlStatement } from '../../src/model/statement.js'
import { closedPort } from '../support/closed-port.js'

const secret = 'S3cr3t-pa55word!'

describe('mssql connection options, built from the config', () => {
  it('a SQL login: host, port, database, TLS on by default, one connection per pool', () => {
    const c = mssqlConnectionSchema.parse({ host: 'db.internal', user: 'loader', password: secret })
    expect(mssqlPoolConfig(c, 'shop', { password: secret })).toEqual({
      server: 'db.internal',
      port: 1433,
      database: 'shop',
      authentication: { type: 'default', options: { userName: 'loader', password: secret } },
      connectionTimeout: 15_000,
      requestTimeout: 60_000,
      pool: { min: 0, max: 1, idleTimeoutMillis: 30_000 },
      options: { encrypt: true, trustServerCertificate: false, appName: 'revmeta', enableArithAbort: true },
    })
  })

  it('an Azure AD token, a named instance (no port), and encrypt / trust options from ${ENV} text', () => {
    const c = mssqlConnectionSchema.parse({ host: 'x.database.windows.net', token: 'tok', instanceName: 'SQLEXPRESS', encrypt: 'false', trustServerCertificate: 'true', requestTimeoutMs: '0' })
    const config = mssqlPoolConfig(c, 'db', { token: 'tok' }) as unknown as Record<string, unknown>
    expect(config.authentication).toEqual({ type: 'azure-active-directory-access-token', options: { token: 'tok' } })
    expect(config.port).toBeUndefined()
    expect(config.requestTimeout).toBe(0)
    expect(config.options).toMatchObject({ encrypt: false, trustServerCertificate: true, instanceName: 'SQLEXPRESS' })
  })

  it('refuses two ways to log in, two places for one secret, and unknown keys', () => {
    expect(mssqlConnectionSchema.safeParse({ password: 'a', passwordFile: 'f' }).success).toBe(false)
    expect(mssqlConnectionSchema.safeParse({ password: 'a', token: 't' }).success).toBe(false)
    expect(mssqlConnectionSchema.safeParse({ token: 'a', tokenFile: 'f' }).success).toBe(false)
    expect(mssqlConnectionSchema.safeParse({ pasword: 'typo' }).success).toBe(false)
  })
})

describe('mssql driver (tedious), really run against a closed loopback port', () => {
  it('a refused connection is a retryable CONNECTION_FAILED naming the place, with no secret in it', async () => {
    const port = await closedPort()
    const connection = mssqlConnectionSchema.parse({ host: '127.0.0.1', port, user: 'loader', password: secret, connectTimeoutMs: 5_000 })
    const client = await mssqlConnector.createClient(connection, { service: 'sqlserver', dialect: mssqlConnector.createDialect(connection) })
    try {
      const [result] = await client.execute('shop', [[sqlStatement('shop', 'SELECT 1')]])
      expect(result?.ok).toBe(false)
      const error = result!.ok ? undefined : result!.error
      expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      expect(error!.message).toContain(`127.0.0.1:${port}`)
      expect(error!.message).not.toContain(secret)
      expect(JSON.stringify(error!.details)).not.toContain(secret)
      await expect(client.readBack([{ level: 'schema', service: 'sqlserver', database: 'shop', schema: 'dbo' }])).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
    } finally {
      await client.close()
    }
  })
})
