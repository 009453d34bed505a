import { z } from 'zod'
import { withRole } from '../../fields/field-roles.js'
import { intField } from '../kit/config-fields.js'
import { fileField } from '../kit/connection-fields.js'

const httpUrl = z
  .string()
  .min(1)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an http:// or https:// URL' })

/** A secret key or session token: blanked out of every message (role `secret`). */
const secretField = () => withRole(z.string().min(1), 'secret').optional()

/** Glue single-line text (names, keys): no control character but tab. */
const singleLine = z.string().refine((value) => !/[\u0000-\u0008\u000A-\u001F\u007F]/.test(value), { message: 'must not hold line breaks or control characters' })

/**
 * An Athena service: the AWS Glue Data Catalog behind it, through the official
 * `@aws-sdk/client-glue`. Credentials come from explicit keys (`${ENV}` or files), a named
 * profile, or else the AWS default chain (environment, SSO, config files, container and instance
 * roles). Secrets are never logged.
 */
export const athenaConnectionSchema = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'),
    /** The Data Catalog's account id; default: the caller's account. */
    catalogId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    /**
     * The catalog's name for this Data Catalog, the database part of every FQN (OpenMetadata's
     * Athena connector names it `awsdatacatalog`); the catalog's schemas are Glue databases.
     */
    databaseName: z.string().min(1).default('awsdatacatalog'),
    /** Overrides the regional Glue endpoint (a VPC endpoint, or a local endpoint in tests). */
    endpoint: httpUrl.optional(),
    /** A profile of the shared AWS config and credentials files. */
    profile: z.string().min(1).optional(),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: secretField(),
    /** Read when the client is made, relative to the config file. */
    secretAccessKeyFile: fileField(),
    sessionToken: secretField(),
    sessionTokenFile: fileField(),
    /** Tags are kept as Glue `Parameters` under this key prefix (tables, columns, databases). */
    tagPrefix: singleLine.pipe(z.string().min(1).max(200)).default('openmetadata.tag.'),
    /** Requests the SDK makes for one call, retries of throttling and 5xx answers included (standard retry mode, exponential backoff with jitter). */
    maxAttempts: intField(1, 20).default(4),
    /** Re-reads and resends after another writer changed a table in between (Glue's VersionId check). */
    conflictRetries: intField(0, 20).default(5),
    /** Bound on one HTTP request, connecting included (the SDK's requestTimeout). */
    requestTimeoutMs: intField(1).default(30_000),
  })
  .superRefine((connection, ctx) => {
    const keys = connection.accessKeyId !== undefined
    const secret = connection.secretAccessKey !== undefined || connection.secretAccessKeyFile !== undefined
    if (keys !== secret) ctx.addIssue({ code: 'custom', message: 'give accessKeyId together with secretAccessKey or secretAccessKeyFile', path: [keys ? 'secretAccessKey' : 'accessKeyId'] })
    if (keys && connection.profile !== undefined) ctx.addIssue({ code: 'custom', message: 'give explicit keys or a profile, not both', path: ['profile'] })
    if (!keys && (connection.sessionToken !== undefined || connection.sessionTokenFile !== undefined)) ctx.addIssue({ code: 'custom', message: 'a sessionToken goes with explicit keys', path: ['sessionToken'] })
    const pairs: [string, unknown, unknown][] = [
      ['secretAccessKeyFile', connection.secretAccessKey, connection.secretAccessKeyFile],
      ['sessionTokenFile', connection.sessionToken, connection.sessionTokenFile],
    ]
    for (const [key, inline, file] of pairs) {
      if (inline !== undefined && file !== undefined) ctx.addIssue({ code: 'custom', message: `give ${key.replace('File', '')} or ${key}, not both`, path: [key] })
    }
  })

export type AthenaConnection = z.output<typeof athenaConnectionSchema>
