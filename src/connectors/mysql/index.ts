import type { Connector } from '../connector.js'
import { mysqlConnectionSchema, type MysqlConnection } from './mysql-connection.js'
import { MysqlDialect } from './mysql-dialect.js'

/**
 * MySQL 8 and MariaDB. The dialect follows the live session: `facts.sqlMode` decides how literals
 * are escaped and `facts.version` whether databases take comments (MariaDB 10.5+). Offline it
 * assumes the configured sqlMode, or the servers' default (backslash escapes on).
 */
export const mysqlConnector: Connector<MysqlConnection, MysqlDialect> = {
  name: 'mysql',
  tier: 'live',
  connectionSchema: mysqlConnectionSchema,
  createDialect: (connection, facts) => new MysqlDialect({ sqlMode: facts?.sqlMode ?? connection.sqlMode ?? '', ...(facts?.version !== undefined ? { version: facts.version } : {}) }),
  // The client module (and through it `mysql2`) loads only when a client is really needed.
  // Comments on different tables take different locks, so two sessions overlap well.
  defaultConcurrency: 2,
  createClient: async (connection, context) => (await import('./mysql-client.js')).createMysqlClient(connection, context),
}
