import { z } from 'zod'
import { boolField, intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { serverFields } from '../kit/connection-fields.js'

/**
 * Oracle through the official `oracledb` driver in thin mode (pure JavaScript, no Instant
 * Client). Either host, port and serviceName (Easy Connect), or a full connectString.
 */
export const oracleConnectionSchema = z
  .strictObject({
    ...serverFields({ port: 1521, user: 'system' }),
    serviceName: z.string().min(1).optional(),
    /** An Easy Connect string or a full descriptor; replaces host, port and serviceName. */
    connectString: z.string().min(1).optional(),
    /**
     * The server version assumed when planning offline (`23.5`, `19.28`); a live session reads
     * the server's own. Decides whether tags are written as schema annotations.
     */
    version: z.string().regex(/^\d+(\.\d+)*$/, 'a version such as 23.5 or 19.28').optional(),
    /**
     * As OpenMetadata's Oracle option of the same name: the catalog keeps names exactly as Oracle
     * stores them. Default false: the catalog shows upper-case names lowered (`ORDERS` as `orders`).
     */
    preserveIdentifierCase: boolField.default(false),
    connectTimeoutMs: intField(1).default(15_000),
    /** Bound on one round trip (oracledb callTimeout); 0: none. */
    callTimeoutMs: intField(0).default(60_000),
    /** DDL_LOCK_TIMEOUT (whole seconds, rounded up). */
    lockTimeoutMs: lockTimeoutMsField,
  })
  .superRefine((connection, ctx) => {
    if (connection.password !== undefined && connection.passwordFile !== undefined) ctx.addIssue({ code: 'custom', message: 'give password or passwordFile, not both', path: ['passwordFile'] })
    if (connection.connectString === undefined && connection.serviceName === undefined) ctx.addIssue({ code: 'custom', message: 'give serviceName (with host and port) or connectString', path: ['serviceName'] })
    if (connection.connectString !== undefined && connection.serviceName !== undefined) ctx.addIssue({ code: 'custom', message: 'give serviceName or connectString, not both', path: ['connectString'] })
  })

export type OracleConnection = z.output<typeof oracleConnectionSchema>

/** The driver's connection attributes, pure so they are tested without a server. */
export function oracleConnectAttributes(c: OracleConnection, password: string | undefined): Record<string, unknown> {
  const connectString = c.connectString ?? `${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}/${c.serviceName ?? ''}`
  return {
    user: c.user,
    password: password ?? '',
    connectString,
    // Thin mode takes the connect timeout in seconds.
    connectTimeout: Math.ceil(c.connectTimeoutMs / 1000),
    transportConnectTimeout: Math.ceil(c.connectTimeoutMs / 1000),
  }
}
