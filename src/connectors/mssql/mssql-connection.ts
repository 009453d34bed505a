import { z } from 'zod'
import { withRole } from '../../fields/field-roles.js'
import { batchSizeField, boolField, intField, lockTimeoutMsField } from '../kit/config-fields.js'
import { fileField, serverFields } from '../kit/connection-fields.js'

/**
 * SQL Server or Azure SQL through the official `mssql` driver (tedious). A SQL login
 * (user and password or passwordFile) or an Azure AD access token (token or tokenFile).
 * Secrets come from the environment (`${ENV}`) or files read at connect time; none is ever logged.
 */
export const mssqlConnectionSchema = z
  .strictObject({
    ...serverFields({ port: 1433, user: 'sa' }),
    /** A named instance (`SQLEXPRESS`): the port is then found through the SQL Browser service. */
    instanceName: z.string().min(1).optional(),
    /** The database ingestion lists; statements connect to the database each one names. */
    database: z.string().min(1).optional(),
    /** An Azure AD (Entra ID) access token, instead of a SQL login. */
    token: withRole(z.string(), 'secret').optional(),
    tokenFile: fileField(),
    /** TLS on the connection; Azure SQL requires it. */
    encrypt: boolField.default(true),
    /** Accept a server certificate no trusted CA signed (a developer's server); keep false in production. */
    trustServerCertificate: boolField.default(false),
    connectTimeoutMs: intField(1).default(15_000),
    /** Bound on one request; 0: none. */
    requestTimeoutMs: intField(0).default(60_000),
    lockTimeoutMs: lockTimeoutMsField,
    /** Statements sent in one request (one batch, one transaction); a failed batch is rerun statement by statement. */
    batchSize: batchSizeField,
    /** Extended properties named `<tagPrefix><classification>` hold tags; their value is the tag. */
    tagPrefix: z.string().min(1).max(100).default('openmetadata.tag.'),
  })
  .superRefine((connection, ctx) => {
    if (connection.password !== undefined && connection.passwordFile !== undefined) ctx.addIssue({ code: 'custom', message: 'give password or passwordFile, not both', path: ['passwordFile'] })
    if (connection.token !== undefined && connection.tokenFile !== undefined) ctx.addIssue({ code: 'custom', message: 'give token or tokenFile, not both', path: ['tokenFile'] })
    const login = connection.password !== undefined || connection.passwordFile !== undefined
    const token = connection.token !== undefined || connection.tokenFile !== undefined
    if (login && token) ctx.addIssue({ code: 'custom', message: 'give a SQL login (password/passwordFile) or an Azure AD token (token/tokenFile), not both', path: ['token'] })
  })

export type MssqlConnection = z.output<typeof mssqlConnectionSchema>
