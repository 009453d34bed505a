import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { ConnectorClient } from '../../src/connectors/connector.js'
import { snowflakeConnector } from '../../src/connectors/snowflake/index.js'
import { startSnowflakeEndpoint, type SnowflakeEndpoint } from '../support/snowflake-endpoint.js'

let dir: string
let endpoint: SnowflakeEndpoint | undefined
let client: ConnectorClient | undefined

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-snowflake-auth-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await client?.close()
  await endpoint?.close()
  client = endpoint = undefined
})

async function loginWith(connection: Record<string, unknown>): Promise<SnowflakeEndpoint> {
  endpoint = await startSnowflakeEndpoint()
  const parsed = snowflakeConnector.connectionSchema.parse({ account: 'revmeta_test', accessUrl: endpoint.url, username: 'loader', maxRetries: 0, ...connection })
  client = await snowflakeConnector.createClient(parsed, { service: 'snow', dialect: snowflakeConnector.createDialect(parsed) })
  const results = await client.execute('SALES', [[{ kind: 'sql', database: 'SALES', sql: `COMMENT ON DATABASE "SALES" IS 'x'` }]])
  expect(results).toEqual([{ ok: true }])
  return endpoint
}

describe('snowflake authentication on the wire', () => {
  test('an OAuth token read from tokenFile is sent as the OAUTH authenticator', async () => {
    const tokenFile = path.join(dir, 'token')
    await writeFile(tokenFile, 'oauth-access-token-123\n')
    const e = await loginWith({ tokenFile })
    expect(e.logins).toEqual([{ user: 'loader', authenticator: 'OAUTH', hasPassword: false, hasToken: true, token: 'oauth-access-token-123' }])
  })

  test('a key pair with its passphrase from a file signs a JWT the public key verifies', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const privateKeyPath = path.join(dir, 'key.p8')
    await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key-secret' }))
    const privateKeyPassphraseFile = path.join(dir, 'passphrase')
    await writeFile(privateKeyPassphraseFile, 'key-secret\n')
    const e = await loginWith({ privateKeyPath, privateKeyPassphraseFile })
    const login = e.logins[0]
    expect(login?.authenticator).toBe('SNOWFLAKE_JWT')
    const [header, payload, signature] = (login?.token ?? '').split('.')
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(signature ?? '', 'base64url'))).toBe(true)
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()).sub).toBe('REVMETA_TEST.LOADER')
  })

  test('a wrong password is a non-retryable connection failure that never shows the password', async () => {
    const refusing = await startRefusingLogin()
    try {
      const parsed = snowflakeConnector.connectionSchema.parse({ account: 'revmeta_test', accessUrl: refusing.url, username: 'loader', password: 'bad-pw-42', maxRetries: 0 })
      client = await snowflakeConnector.createClient(parsed, { service: 'snow', dialect: snowflakeConnector.createDialect(parsed) })
      const results = await client.execute('SALES', [[{ kind: 'sql', database: 'SALES', sql: `COMMENT ON DATABASE "SALES" IS 'x'` }]])
      const failed = results[0]
      if (failed?.ok !== false) throw new Error('the login should have failed')
      expect(failed.error.code).toBe('CONNECTION_FAILED')
      expect(failed.error.retryable).toBe(false)
      expect(failed.error.message).toContain('Incorrect username or password')
      expect(JSON.stringify(failed.error.toJSON())).not.toContain('bad-pw-42')
    } finally {
      await refusing.close()
    }
  })
})

/** A loopback endpoint that answers every login with Snowflake's 390100 (echoing the password, to prove it is redacted). */
async function startRefusingLogin(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, code: '390100', message: 'Incorrect username or password was specified. (bad-pw-42)', data: { nextAction: 'RETRY_LOGIN' } })))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
