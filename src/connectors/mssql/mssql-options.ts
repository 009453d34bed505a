import type { config as MssqlConfig } from 'mssql'
import type { MssqlConnection } from './mssql-connection.js'

/** The secrets read for one connection: the password or the token, from the config or its file. */
export interface MssqlSecrets {
  readonly password?: string | undefined
  readonly token?: string | undefined
}

/**
 * The driver's pool configuration for one database, pure so it is tested without a server.
 * One connection per pool: statements of one database run in order on one session.
 */
export function mssqlPoolConfig(c: MssqlConnection, database: string | undefined, secrets: MssqlSecrets): MssqlConfig {
  const authentication =
    secrets.token !== undefined
      ? { type: 'azure-active-directory-access-token', options: { token: secrets.token } }
      : { type: 'default', options: { userName: c.user, password: secrets.password ?? '' } }
  return {
    server: c.host,
    ...(c.instanceName === undefined ? { port: c.port } : {}),
    ...(database !== undefined ? { database } : {}),
    authentication,
    connectionTimeout: c.connectTimeoutMs,
    requestTimeout: c.requestTimeoutMs,
    pool: { min: 0, max: 1, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: c.encrypt,
      trustServerCertificate: c.trustServerCertificate,
      appName: 'revmeta',
      ...(c.instanceName !== undefined ? { instanceName: c.instanceName } : {}),
      // Statements are compared with what is read back: no silent truncation of a long value.
      enableArithAbort: true,
    },
  } as MssqlConfig
}
