import { describe, expect, it } from 'vitest'
import { classifyDatabricksHttp } from '../../src/connectors/databricks/databricks-errors.js'

const context = { engine: 'databricks', host: 'dbc.example', secrets: ['dapi-SECRET', 'sp-secret'] }
const failure = (status: number | undefined, body: Record<string, unknown>, sqlState?: string) => classifyDatabricksHttp({ method: 'POST', path: '/api/2.0/sql/statements', ...(status !== undefined ? { status } : {}), body, ...(sqlState !== undefined ? { sqlState } : {}) }, context)

describe('classifyDatabricksHttp', () => {
  it('codes a failed statement by its error class first, then its SQLSTATE, then the API error code', () => {
    expect(failure(200, { error_code: 'BAD_REQUEST', message: '[TABLE_OR_VIEW_NOT_FOUND] The table `a`.`b` cannot be found.' }, '42P01')).toMatchObject({ code: 'OBJECT_NOT_FOUND', retryable: false })
    expect(failure(200, { error_code: 'BAD_REQUEST', message: '[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have MODIFY on Table' })).toMatchObject({ code: 'PRIVILEGE' })
    expect(failure(200, { error_code: 'BAD_REQUEST', message: 'something odd' }, '42501')).toMatchObject({ code: 'PRIVILEGE' })
    expect(failure(200, { error_code: 'BAD_REQUEST', message: '[DELTA_CONCURRENT_MODIFICATION.X] conflict' })).toMatchObject({ code: 'LOCK_TIMEOUT', retryable: true })
    expect(failure(200, { error_code: 'BAD_REQUEST', message: '[PARSE_SYNTAX_ERROR] Syntax error' }, '42601')).toMatchObject({ code: 'SQL_FAILED', retryable: false })
  })

  it('codes HTTP answers: 401 not retryable, 403 privilege, 404 not found, 429 and 5xx retryable', () => {
    expect(failure(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' })).toMatchObject({ code: 'CONNECTION_FAILED', retryable: false, message: expect.stringMatching(/^Cannot connect to databricks \(dbc\.example\)/) })
    expect(failure(403, { message: 'nope' })).toMatchObject({ code: 'PRIVILEGE' })
    expect(failure(404, { error_code: 'NOT_FOUND', message: "Catalog 'x' does not exist." })).toMatchObject({ code: 'OBJECT_NOT_FOUND' })
    expect(failure(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' })).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
    expect(failure(502, { message: '<html>Bad gateway</html>' })).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, details: { status: 502 } })
  })

  it('no answer at all is a retryable connection failure naming the socket error', () => {
    const cause = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) })
    expect(classifyDatabricksHttp({ method: 'GET', path: '/x', cause }, context)).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, message: expect.stringContaining('ECONNREFUSED') })
  })

  it('blanks every known secret out of the message and the details, whatever the server echoes', () => {
    const error = failure(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad token dapi-SECRET for client sp-secret' })
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/dapi-SECRET|sp-secret/)
    expect(error.message).toContain('bad token *** for client ***')
  })
})
