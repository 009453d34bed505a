import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { boolField, intField } from '../../src/connectors/kit/config-fields.js'
import { onePassword, serverFields } from '../../src/connectors/kit/connection-fields.js'
import { messageOf, thrownRecord } from '../../src/connectors/kit/error-fields.js'
import { placeOf, sqlErrorPrefix } from '../../src/connectors/kit/error-context.js'
import { KnownSecrets } from '../../src/connectors/kit/known-secrets.js'
import { isNetworkErrno } from '../../src/connectors/kit/network-errors.js'
import { assertNameLength, assertStorableText, hasLoneSurrogate } from '../../src/connectors/kit/text-checks.js'

describe('connector kit', () => {
  it('config fields take numbers and booleans as the environment gives them, as text', () => {
    expect(intField(1, 10).parse(' 7 ')).toBe(7)
    expect(intField(1, 10).safeParse('11').success).toBe(false)
    expect(boolField.parse('false')).toBe(false)
    expect(boolField.safeParse('yes').success).toBe(false)
  })

  it('server fields default per engine, and password excludes passwordFile', () => {
    const schema = onePassword(z.strictObject(serverFields({ port: 3306, user: 'root' })))
    expect(schema.parse({})).toEqual({ host: '127.0.0.1', port: 3306, user: 'root' })
    const both = schema.safeParse({ password: 'p', passwordFile: '/run/p' })
    expect(both.success).toBe(false)
    expect(both.error?.issues[0]?.path).toEqual(['passwordFile'])
  })

  it('reads the first inner error of an AggregateError, and messages of anything thrown', () => {
    const aggregate = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1'), { code: 'ECONNREFUSED' })], '')
    expect(thrownRecord(aggregate)?.inner?.code).toBe('ECONNREFUSED')
    expect(thrownRecord('text')).toBeUndefined()
    expect(messageOf({ message: 'plain object' })).toBe('plain object')
    expect(messageOf(42)).toBe('42')
  })

  it('network errnos are told from driver codes, which each driver adds', () => {
    expect(isNetworkErrno('ECONNRESET')).toBe(true)
    expect(isNetworkErrno('PROTOCOL_CONNECTION_LOST')).toBe(false)
    expect(isNetworkErrno('PROTOCOL_CONNECTION_LOST', new Set(['PROTOCOL_CONNECTION_LOST']))).toBe(true)
    expect(isNetworkErrno(undefined)).toBe(false)
  })

  it('names where a SQL error happened', () => {
    expect(placeOf({ engine: 'postgres', phase: 'query', database: 'shop', host: 'db', port: 5432 })).toBe('database "shop" at db:5432')
    expect(sqlErrorPrefix({ engine: 'mysql', phase: 'connect' })).toBe('Cannot connect to mysql')
  })

  it('remembers each secret once, never an empty one', () => {
    const secrets = new KnownSecrets('s3cret', undefined, '', 's3cret')
    expect(secrets.list).toEqual(['s3cret'])
  })

  it('refuses lone surrogates, NULs where the engine cannot store them, and names too long', () => {
    expect(hasLoneSurrogate('a\uD800b')).toBe(true)
    expect(hasLoneSurrogate('emoji 😀')).toBe(false)
    expect(() => assertStorableText('a\0b', { engine: 'postgres', what: 'value' })).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }))
    expect(() => assertStorableText('a\0b', { engine: 'duckdb', what: 'value', nul: 'allow' })).not.toThrow()
    expect(() => assertNameLength('é'.repeat(32), { engine: 'postgres', max: 63, unit: 'bytes' })).toThrow(expect.objectContaining({ code: 'NAME_TOO_LONG' }))
    expect(() => assertNameLength('é'.repeat(32), { engine: 'mysql', max: 64, unit: 'characters' })).not.toThrow()
  })
})
