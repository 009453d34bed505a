import { z } from 'zod'
import { intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { fileField, onePassword, passwordField, passwordFileField } from '../kit/connection-fields.js'

const shared = {
  /** Adds ON CLUSTER `name` to every ALTER. */
  onCluster: z.string().min(1).optional(),
  /** Bound on waiting for a table lock (ClickHouse's lock_acquire_timeout, whole seconds, rounded up); 0: no bound. */
  lockTimeoutMs: lockTimeoutMsField,
}

const httpUrl = z
  .string()
  .min(1)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an http:// or https:// URL' })

/** A ClickHouse server (or ClickHouse Cloud) through its HTTP interface and the official client. */
const httpConnectionSchema = onePassword(
  z.strictObject({
    mode: z.literal('http').default('http'),
    url: httpUrl.default('http://127.0.0.1:8123'),
    username: z.string().min(1).default('default'),
    password: passwordField,
    /** Read once when the client starts. */
    passwordFile: passwordFileField,
    /** The connection's default database; every statement names its database anyway. */
    database: z.string().min(1).default('default'),
    requestTimeoutMs: intField(1).default(30_000),
    ...shared,
  }),
)

/** ClickHouse in this process through chdb: tests and the embedded demo. */
const embeddedConnectionSchema = z.strictObject({
  mode: z.literal('embedded'),
  /** Data directory; absent: a temporary directory, removed on close. */
  path: fileField(),
  /** SQL file (statements separated by `;`) run once, when the data directory is new. */
  initSql: fileField(),
  ...shared,
})

export const clickhouseConnectionSchema = z.discriminatedUnion('mode', [httpConnectionSchema, embeddedConnectionSchema])

export type ClickhouseConnection = z.output<typeof clickhouseConnectionSchema>
export type ClickhouseHttpConnection = Extract<ClickhouseConnection, { mode: 'http' }>
export type ClickhouseEmbeddedConnection = Extract<ClickhouseConnection, { mode: 'embedded' }>
