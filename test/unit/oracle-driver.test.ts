import { describe, expect, it } from 'vitest'
import { oracleConnector } from '../../src/connectors/oracle/index.js'
import { oracleConnectAttributes, oracleConnectionSchema } from '../../src/connectors/oracle/oracle-connection.js'
import { sqlStatement } from '../../src/model/statement.js'
import { closedPort } from '../support/closed-port.js'

const secret = 'S3cr3t-pa55word!'

describe('oracle connection options, built from the config', () => {
  it('host, port and serviceName make an Easy Connect string; timeouts in seconds, rounded up', () => {
    const c = oracleConnectionSchema.parse({ host: 'db.internal', user: 'loader', password: secret, serviceName: 'FREEPDB1', connectTimeoutMs: 2_500 })
    expect(oracleConnectAttributes(c, secret)).toEqual({ user: 'loader', password: secret, connectString: 'db.internal:1521/FREEPDB1', connectTimeout: 3, transportConnectTimeout: 3 })
  })

  it('an IPv6 host is bracketed; a connectString is used as given', () => {
    expect(oracleConnectAttributes(oracleConnectionSchema.parse({ host: '::1', port: '1522', serviceName: 'XE' }), 'p').connectString).toBe('[::1]:1522/XE')
    const descriptor = '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCPS)(HOST=h)(PORT=2484))(CONNECT_DATA=(SERVICE_NAME=s)))'
    expect(oracleConnectAttributes(oracleConnectionSchema.parse({ connectString: descriptor }), 'p').connectString).toBe(descriptor)
  })

  it('refuses neither or both of serviceName and connectString, a bad offline version, unknown keys', () => {
    expect(oracleConnectionSchema.safeParse({}).success).toBe(false)
    expect(oracleConnectionSchema.safeParse({ serviceName: 'a', connectString: 'h/s' }).success).toBe(false)
    expect(oracleConnectionSchema.safeParse({ serviceName: 'a', version: '23ai' }).success).toBe(false)
    expect(oracleConnectionSchema.safeParse({ serviceName: 'a', sid: 'x' }).success).toBe(false)
  })

  it('the offline version decides tags; the session fact, when there is one, wins', () => {
    const c = oracleConnectionSchema.parse({ serviceName: 'a', version: '19.27' })
    expect(oracleConnector.createDialect(c).tags).toBeUndefined()
    expect(oracleConnector.createDialect(c, { version: '19.28.0.0.0' }).tags?.levels).toEqual(['table', 'column'])
    expect(oracleConnector.createDialect(oracleConnectionSchema.parse({ serviceName: 'a', version: '23.5' })).tags).toBeDefined()
  })
})

describe('oracle driver (oracledb thin mode), really run against a closed loopback port', () => {
  it('a refused connection is a retryable CONNECTION_FAILED naming the place, with no secret in it', async () => {
    const port = await closedPort()
    const connection = oracleConnectionSchema.parse({ host: '127.0.0.1', port, user: 'loader', password: secret, serviceName: 'FREEPDB1', connectTimeoutMs: 5_000 })
    const client = await oracleConnector.createClient(connection, { service: 'ora', dialect: oracleConnector.createDialect(connection) })
    try {
      await expect(client.sessionFacts!()).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      const [result] = await client.execute('ORCL', [[sqlStatement('ORCL', 'SELECT 1 FROM DUAL')]])
      const error = result!.ok ? undefined : result!.error
      expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      expect(error!.message).toContain(`127.0.0.1:${port}`)
      expect(error!.message).not.toContain(secret)
      expect(JSON.stringify(error!.details)).not.toContain(secret)
    } finally {
      await client.close()
    }
  })
})
