import { z } from 'zod'
import { withRole } from '../../fields/field-roles.js'
import { intField } from '../kit/config-fields.js'
import { fileField } from '../kit/connection-fields.js'
import type { DatabricksDialectOptions } from './databricks-dialect.js'

/** A token or client secret: blanked out of every message (role `secret`). */
const secretField = () => withRole(z.string().min(1), 'secret').optional()

const workspaceUrl = z
  .string()
  .min(1)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be the workspace URL, https://<workspace host> (http:// only for a local endpoint)' })
  .transform((value) => value.replace(/\/+$/, ''))

/**
 * The fields of a Databricks workspace reached over HTTP: its URL, a personal access token or
 * OAuth machine-to-machine credentials (client id and secret of a service principal), and the
 * bounds of each request. Shared by `databricks` and `unity-catalog`.
 */
export const workspaceFields = {
  /** `https://<workspace host>`: the Statement Execution API, the Unity Catalog API and the OAuth token endpoint all live there. */
  host: workspaceUrl,
  /** Personal access token (or any bearer token the workspace accepts). */
  token: secretField(),
  /** Read at each new token use, so a rotated token is picked up; relative to the config file. */
  tokenFile: fileField(),
  /** OAuth M2M: the service principal's application (client) id; tokens come from `<host>/oidc/v1/token`. */
  clientId: z.string().min(1).optional(),
  clientSecret: secretField(),
  clientSecretFile: fileField(),
  /** The SQL warehouse that runs every statement. */
  warehouseId: z.string().min(1),
  /**
   * The default catalog sent with every statement (the API's `catalog`), for a workspace whose
   * objects the catalog names in two levels under `hive_metastore`. Statements name their catalog anyway.
   */
  catalog: z.string().min(1).optional(),
  /**
   * The principal an object is given when the catalog removes every owner; absent: such a
   * removal is reported OWNER_REMOVAL_UNSUPPORTED and the owner stays.
   */
  ownerFallback: z.string().min(1).optional(),
  /**
   * `information_schema` (Unity Catalog): what is in place is read back, so unchanged values are
   * skipped and writes verified. `none`, for a hive_metastore workspace without Unity Catalog
   * (no information_schema there): statements are sent unchecked and reported applied.
   */
  /**
   * `literal`: `ALTER ... SET TAGS ('key' = 'value')`, every runtime, idempotent. `identifier`:
   * `SET TAG ON ... \`key\` = \`value\`` (DBR 16.1+), which fails when the key is already set.
   */
  tagSyntax: z.enum(['literal', 'identifier']).default('literal'),
  readBack: z.enum(['information_schema', 'none']).default('information_schema'),
  /** How long one submission waits for its statement before polling (the API's `wait_timeout`: 0, or 5 to 50 s). */
  waitTimeoutSeconds: intField(0, 50).refine((s) => s === 0 || s >= 5, { message: 'must be 0 or 5 to 50 (the API\'s wait_timeout)' }).default(10),
  /** First pause between polls of a statement still PENDING or RUNNING; doubles up to 5 s. */
  pollIntervalMs: intField(1, 60_000).default(250),
  /** Bound on one statement, polling included; it is cancelled past it. */
  statementTimeoutMs: intField(1_000).default(300_000),
  /** Bound on one HTTP request. */
  requestTimeoutMs: intField(100).default(30_000),
  /** How often a 429 or 503 answer is retried after its Retry-After (at most `maxRetryWaitMs` each) before the executor's own retry takes over. */
  maxRetries: intField(0, 20).default(3),
  maxRetryWaitMs: intField(0, 600_000).default(30_000),
}

/** Exactly one way to authenticate, and no secret given both inline and as a file. */
export function checkWorkspaceAuth(connection: { token?: string | undefined; tokenFile?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined; clientSecretFile?: string | undefined }, ctx: z.RefinementCtx): void {
  const ways = [connection.token !== undefined || connection.tokenFile !== undefined ? 'token' : undefined, connection.clientId !== undefined ? 'OAuth client' : undefined].filter((way) => way !== undefined)
  if (ways.length !== 1) ctx.addIssue({ code: 'custom', message: `give exactly one way to authenticate (token/tokenFile, or clientId with clientSecret/clientSecretFile), not ${ways.length === 0 ? 'none' : ways.join(' and ')}`, path: ['token'] })
  if (connection.token !== undefined && connection.tokenFile !== undefined) ctx.addIssue({ code: 'custom', message: 'give token or tokenFile, not both', path: ['tokenFile'] })
  const secrets = [connection.clientSecret, connection.clientSecretFile].filter((s) => s !== undefined).length
  if (connection.clientId !== undefined && secrets !== 1) ctx.addIssue({ code: 'custom', message: 'an OAuth client needs clientSecret or clientSecretFile (one of them)', path: ['clientSecret'] })
  if (connection.clientId === undefined && secrets > 0) ctx.addIssue({ code: 'custom', message: 'clientSecret needs clientId', path: ['clientId'] })
}

/** A Databricks SQL warehouse through the SQL Statement Execution API. Secrets come from `${ENV}` or files only. */
export const databricksConnectionSchema = z.strictObject(workspaceFields).superRefine(checkWorkspaceAuth)

export type DatabricksConnection = z.output<typeof databricksConnectionSchema>

/** What the dialect takes from a connection block (shared by both connectors). */
export function dialectOptionsOf(connection: Pick<DatabricksConnection, 'readBack' | 'tagSyntax' | 'ownerFallback'>): DatabricksDialectOptions {
  return { readBack: connection.readBack !== 'none', tagSyntax: connection.tagSyntax, ...(connection.ownerFallback !== undefined ? { ownerFallback: connection.ownerFallback } : {}) }
}
