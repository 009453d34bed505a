import { z } from 'zod'
import { withRole } from '../../fields/field-roles.js'
import { boolField, intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { fileField, passwordField, passwordFileField } from '../kit/connection-fields.js'

const httpUrl = z
  .string()
  .min(1)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an http:// or https:// URL' })

/** A `database.schema` pair naming where tags live; each part exactly as Snowflake stores it. */
/** A token or passphrase: blanked out of every message (role `secret`). */
const secretField = () => withRole(z.string(), 'secret').optional()

const tagSchemaField = z.strictObject({ database: z.string().min(1), schema: z.string().min(1) })

/**
 * A Snowflake account through the official snowflake-sdk. Secrets come from the environment
 * (`${ENV}` in the YAML) or from files read at connect time; none is ever logged.
 */
export const snowflakeConnectionSchema = z
  .strictObject({
    /** Account identifier (`orgname-account` or the legacy locator). */
    account: z.string().min(1),
    /**
     * Overrides the URL the sdk derives from `account` (`https://<account>.snowflakecomputing.com`):
     * private link, or a local endpoint in tests.
     */
    accessUrl: httpUrl.optional(),
    username: z.string().min(1),
    password: passwordField,
    /** Read at connect time, so a rotated secret is picked up; relative to the config file. */
    passwordFile: passwordFileField,
    /** Key-pair authentication: a PKCS#8 PEM private key file, relative to the config file. */
    privateKeyPath: fileField(),
    /** Passphrase of an encrypted private key. */
    privateKeyPassphrase: secretField(),
    privateKeyPassphraseFile: fileField(),
    /** OAuth access token. */
    token: secretField(),
    tokenFile: fileField(),
    warehouse: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
    /** The session's default database; every statement names its database anyway. */
    database: z.string().min(1).optional(),
    /**
     * What GRANT OWNERSHIP does with the object's other grants: `copy` keeps them (the safe
     * default), `revoke` removes them.
     */
    ownershipGrants: z.enum(['copy', 'revoke']).default('copy'),
    /** Where tags live; default: the asset's own database and schema, as OpenMetadata does. */
    tagSchema: tagSchemaField.optional(),
    /** Sends CREATE TAG IF NOT EXISTS before setting a tag. */
    createTags: boolField.default(false),
    /**
     * Tag read-back source: per table through INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS
     * (current), or the whole account through SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES (one query,
     * but it lags by up to a few hours, so a tag just set may read back as missing).
     */
    tagReadBack: z.enum(['information_schema', 'account_usage']).default('information_schema'),
    /** Tables whose tags one read-back query covers (UNION ALL of table functions). */
    tagBatchSize: intField(1, 500).default(50),
    /** Bound on one statement (STATEMENT_TIMEOUT_IN_SECONDS, rounded up); 0: none. */
    statementTimeoutMs: intField(0).default(60_000),
    /** Bound on waiting for a lock (LOCK_TIMEOUT, whole seconds, rounded up). */
    lockTimeoutMs: lockTimeoutMsField,
    /** Retries the sdk makes on a 5xx or a dropped request before giving up. */
    maxRetries: intField(0, 20).default(7),
  })
  .superRefine((connection, ctx) => {
    const ways = [
      connection.password !== undefined || connection.passwordFile !== undefined ? 'password' : undefined,
      connection.privateKeyPath !== undefined ? 'key pair' : undefined,
      connection.token !== undefined || connection.tokenFile !== undefined ? 'token' : undefined,
    ].filter((way) => way !== undefined)
    if (ways.length !== 1) ctx.addIssue({ code: 'custom', message: `give exactly one way to authenticate (password/passwordFile, privateKeyPath, token/tokenFile), not ${ways.length === 0 ? 'none' : ways.join(' and ')}`, path: ['password'] })
    const pairs: [string, unknown, unknown][] = [
      ['passwordFile', connection.password, connection.passwordFile],
      ['tokenFile', connection.token, connection.tokenFile],
      ['privateKeyPassphraseFile', connection.privateKeyPassphrase, connection.privateKeyPassphraseFile],
    ]
    for (const [key, inline, file] of pairs) {
      if (inline !== undefined && file !== undefined) ctx.addIssue({ code: 'custom', message: `give ${key.replace('File', '')} or ${key}, not both`, path: [key] })
    }
  })

export type SnowflakeConnection = z.output<typeof snowflakeConnectionSchema>
