import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import type { Classified } from '../kit/error-context.js'
import { stringField, thrownRecord } from '../kit/error-fields.js'
import { isNetworkErrno } from '../kit/network-errors.js'

/** Where the error happened; never holds the password, only values that name the place. */
export interface ClickhouseErrorContext {
  /** 'http' or 'embedded'. */
  readonly mode: string
  /** The server URL (credentials removed) or the embedded data directory. */
  readonly where: string
  /** Strings that must never appear in a message (the password), replaced by `***`. */
  readonly secrets?: readonly string[]
}

/** ClickHouse error codes (src/Common/ErrorCodes.cpp) that say more than "the statement failed". */
const byServerCode: Readonly<Record<number, Classified>> = {
  10: { code: 'OBJECT_NOT_FOUND' }, // NOT_FOUND_COLUMN_IN_BLOCK: what COMMENT COLUMN says for a missing column
  16: { code: 'OBJECT_NOT_FOUND' }, // NO_SUCH_COLUMN_IN_TABLE
  47: { code: 'OBJECT_NOT_FOUND' }, // UNKNOWN_IDENTIFIER
  60: { code: 'OBJECT_NOT_FOUND' }, // UNKNOWN_TABLE
  81: { code: 'OBJECT_NOT_FOUND' }, // UNKNOWN_DATABASE
  48: { code: 'UNSUPPORTED' }, // NOT_IMPLEMENTED: this table or database engine cannot take the comment
  164: { code: 'PRIVILEGE' }, // READONLY
  497: { code: 'PRIVILEGE' }, // ACCESS_DENIED
  159: { code: 'LOCK_TIMEOUT' }, // TIMEOUT_EXCEEDED (also distributed_ddl_task_timeout on ON CLUSTER)
  473: { code: 'LOCK_TIMEOUT' }, // DEADLOCK_AVOIDED: lock_acquire_timeout expired
  // The statement, or the table definition it would produce, exceeds max_query_size. Raising the
  // setting per statement would store metadata that a recovering replica of a Replicated database
  // cannot parse (ClickHouse#117695), so the description is reported too long instead.
  229: { code: 'VALUE_TOO_LONG' }, // QUERY_IS_TOO_LARGE
  202: { code: 'CONNECTION_FAILED' }, // TOO_MANY_SIMULTANEOUS_QUERIES: the server is busy, later may work
  209: { code: 'CONNECTION_FAILED' }, // SOCKET_TIMEOUT
  210: { code: 'CONNECTION_FAILED' }, // NETWORK_ERROR
  192: { code: 'CONNECTION_FAILED', retryable: false }, // UNKNOWN_USER
  193: { code: 'CONNECTION_FAILED', retryable: false }, // WRONG_PASSWORD
  194: { code: 'CONNECTION_FAILED', retryable: false }, // REQUIRED_PASSWORD
  516: { code: 'CONNECTION_FAILED', retryable: false }, // AUTHENTICATION_FAILED
  // Keeper hiccups and memory pressure pass; the same ALTER is safe to send again.
  241: { code: 'SQL_FAILED', retryable: true }, // MEMORY_LIMIT_EXCEEDED
  242: { code: 'SQL_FAILED', retryable: true }, // TABLE_IS_READ_ONLY (replica lost Keeper)
  999: { code: 'SQL_FAILED', retryable: true }, // KEEPER_EXCEPTION
}

/** undici's code for a socket that closed under the official client, beside Node's network errnos. */
const socketClosed = new Set(['UND_ERR_SOCKET'])

/** What @clickhouse/client throws when request_timeout passes, or a socket closes early. */
const brokenRequest = /^Timeout error\.|socket hang up|other side closed/i

/** Turns whatever @clickhouse/client or chdb throws into a coded error, keeping the server's words. */
export function classifyClickhouseError(error: unknown, context: ClickhouseErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const fields = errorFields(error)
  const classified = classify(fields)
  const serverMessage = redactSecrets(fields.message, context.secrets).trim() || 'unknown error'
  const where = redactSecrets(context.where, context.secrets)
  const prefix = classified.code === 'CONNECTION_FAILED' && fields.serverCode === undefined ? `Cannot reach ClickHouse (${where})` : `ClickHouse rejected the statement (${where})`
  const codeNote = fields.serverCode !== undefined ? ` [code ${fields.serverCode}${fields.type ? ` ${fields.type}` : ''}]` : ''
  return new RevmetaError(classified.code, `${prefix}: ${serverMessage}${codeNote}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: 'clickhouse', mode: context.mode, where, serverCode: fields.serverCode, type: fields.type, errno: fields.errno, serverMessage },
  })
}

// Servers before QUERY_IS_TOO_LARGE report an over-long statement as a syntax error (code 62).
const maxQuerySize = /Max query size exceeded/i

function classify(fields: ErrorFields): Classified {
  if (fields.serverCode === 62 && maxQuerySize.test(fields.message)) return { code: 'VALUE_TOO_LONG' }
  if (fields.serverCode !== undefined) return byServerCode[fields.serverCode] ?? { code: 'SQL_FAILED' }
  if (isNetworkErrno(fields.errno, socketClosed)) return { code: 'CONNECTION_FAILED' }
  if (brokenRequest.test(fields.message)) return { code: 'CONNECTION_FAILED' }
  return { code: 'SQL_FAILED' }
}

interface ErrorFields {
  readonly message: string
  readonly serverCode?: number
  readonly type?: string
  readonly errno?: string
}

function errorFields(error: unknown): ErrorFields {
  const thrown = thrownRecord(error)
  if (!thrown) return { message: String(error) }
  const { record, inner, cause } = thrown
  const message = stringField(record, 'message') || stringField(inner, 'message') || ''
  const code = record.code
  // @clickhouse/client: code '60' and type 'UNKNOWN_TABLE'; chdb: clickhouseCode 60, or only "Code: 60." in the message.
  const serverCode =
    typeof code === 'string' && /^\d+$/.test(code)
      ? Number(code)
      : typeof record.clickhouseCode === 'number'
        ? record.clickhouseCode
        : numberIn(/\bCode: (\d+)\./.exec(message))
  const type = stringField(record, 'type') || /\(([A-Z][A-Z0-9_]{2,})\)/.exec(message)?.[1]
  const errno = [code, inner?.code, cause?.code].find((value): value is string => typeof value === 'string' && /^(?:E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(value))
  return { message: message || errno || '', serverCode, type: type || undefined, errno }
}

function numberIn(match: RegExpExecArray | null): number | undefined {
  return match?.[1] === undefined ? undefined : Number(match[1])
}
