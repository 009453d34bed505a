import { z } from 'zod'
import { boolField } from './config-fields.js'

/**
 * The TLS options the drivers (pg, mysql2) pass on to Node's tls.connect that a configuration can
 * sensibly hold. `ca`, `cert` and `key` are PEM text, from the environment or the YAML itself.
 */
export const tlsOptionsSchema = z.strictObject({
  rejectUnauthorized: boolField.optional(),
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  servername: z.string().optional(),
})

/** `ssl:` true (TLS with the system's trusted CAs), false, or the TLS options themselves. */
export const sslField = z.union([boolField, tlsOptionsSchema]).optional()
