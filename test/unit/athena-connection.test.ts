import { describe, expect, it } from 'vitest'
import { athenaConnectionSchema } from '../../src/connectors/athena/athena-connection.js'
import { fieldsWithRole } from '../../src/fields/field-roles.js'

const base = { region: 'eu-west-1' }
const issues = (input: Record<string, unknown>) => {
  const parsed = athenaConnectionSchema.safeParse(input)
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('the athena connection block', () => {
  it('declares its secret and file fields itself', () => {
    expect(fieldsWithRole(athenaConnectionSchema, 'secret')).toEqual(['secretAccessKey', 'sessionToken'])
    expect(fieldsWithRole(athenaConnectionSchema, 'file').sort()).toEqual(['secretAccessKeyFile', 'sessionTokenFile'])
  })

  it('defaults: the default credential chain, awsdatacatalog, the openmetadata.tag. prefix', () => {
    expect(athenaConnectionSchema.parse(base)).toEqual({ region: 'eu-west-1', databaseName: 'awsdatacatalog', tagPrefix: 'openmetadata.tag.', maxAttempts: 4, conflictRetries: 5, requestTimeoutMs: 30_000 })
  })

  it('takes numbers as the text ${ENV} gives', () => {
    expect(athenaConnectionSchema.parse({ ...base, maxAttempts: '3', conflictRetries: '0' })).toMatchObject({ maxAttempts: 3, conflictRetries: 0 })
  })

  it('refuses half-given or doubly-given credentials, unknown keys, a bad region, catalog id or endpoint', () => {
    expect(issues({ ...base, accessKeyId: 'AKID' })).toEqual(['secretAccessKey: give accessKeyId together with secretAccessKey or secretAccessKeyFile'])
    expect(issues({ ...base, secretAccessKey: 's' })).toEqual(['accessKeyId: give accessKeyId together with secretAccessKey or secretAccessKeyFile'])
    expect(issues({ ...base, accessKeyId: 'A', secretAccessKey: 's', secretAccessKeyFile: 'f' })).toEqual(['secretAccessKeyFile: give secretAccessKey or secretAccessKeyFile, not both'])
    expect(issues({ ...base, accessKeyId: 'A', secretAccessKey: 's', profile: 'p' })).toEqual(['profile: give explicit keys or a profile, not both'])
    expect(issues({ ...base, sessionToken: 't' })).toEqual(['sessionToken: a sessionToken goes with explicit keys'])
    expect(issues({ ...base, password: 'x' })).toHaveLength(1)
    expect(issues({ region: 'Europe' })).toHaveLength(1)
    expect(issues({ ...base, catalogId: '12' })).toHaveLength(1)
    expect(issues({ ...base, endpoint: 'file:///etc/passwd' })).toHaveLength(1)
    expect(issues({ ...base, tagPrefix: 'a\nb' })).toHaveLength(1)
  })
})
