import { describe, expect, it } from 'vitest'
import { fieldsWithRole } from '../../src/fields/field-roles.js'
import { loadConnector } from '../../src/connectors/registry.js'

/** Each connector declares its own file and secret fields; the config loader keeps no list of names. */
const expected: Record<string, { file: string[]; secret: string[] }> = {
  postgres: { file: ['passwordFile'], secret: ['password'] },
  redshift: { file: ['passwordFile'], secret: ['password'] },
  pglite: { file: ['dataDir', 'initSql'], secret: [] },
  mysql: { file: ['passwordFile'], secret: ['password'] },
  clickhouse: { file: ['passwordFile', 'path', 'initSql'], secret: ['password'] },
  duckdb: { file: ['path', 'initSql'], secret: [] },
  snowflake: { file: ['passwordFile', 'privateKeyPath', 'privateKeyPassphraseFile', 'tokenFile'], secret: ['password', 'privateKeyPassphrase', 'token'] },
  databricks: { file: ['tokenFile', 'clientSecretFile'], secret: ['token', 'clientSecret'] },
  'unity-catalog': { file: ['tokenFile', 'clientSecretFile'], secret: ['token', 'clientSecret'] },
}

describe('connection field roles', () => {
  it.each(Object.keys(expected))('%s declares its file and secret fields in its connection schema', async (name) => {
    const connector = (await loadConnector(name))!
    expect(fieldsWithRole(connector.connectionSchema, 'file').sort()).toEqual([...expected[name]!.file].sort())
    expect(fieldsWithRole(connector.connectionSchema, 'secret')).toEqual(expected[name]!.secret)
  })
})
