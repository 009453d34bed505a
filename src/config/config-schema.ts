import { z } from 'zod'
import { isLoopbackHost } from './loopback-host.js'
import { channelFilterSchema } from '../channels/channel-filter-schema.js'
import { channelOptionsSchema, channelTemplatesSchema } from '../channels/channel-options-schema.js'
import { channelFromReverseMetadata } from '../channels/reverse-metadata.js'
import { defaultInputLimits } from '../inputs/input-limits.js'
import { logLevels } from '../model/log-levels.js'
import { checkStoreSection } from './store-schema.js'

const name = z.string().min(1)

/** How a catalog owner (user or team) becomes a principal of the engine. */
export const ownerMappingSchema = z
  .strictObject({
    /** name: the owner's catalog name; email-local-part: the part before '@' of its e-mail (or of its name when that is an e-mail); map: only the explicit map. */
    strategy: z.enum(['name', 'email-local-part', 'map']).default('name'),
    /** Explicit entries win over the strategy. Keys: a user or team name, or `user:<name>` / `team:<name>`. */
    map: z.record(z.string(), name).default({}),
    /** Engines fold unquoted names to lower case; catalog names often carry capitals. */
    case: z.enum(['preserve', 'lower']).default('preserve'),
  })
  .prefault({})

const positiveInt = z.number().int().positive()

/** How this service's work is paced, on top of the engine's own defaults. */
export const serviceExecutionSchema = z
  .strictObject({
    /**
     * Batches of this service in flight at once. The claim caps running operations at this many
     * batches across all workers sharing the store, so it protects the database, not a worker.
     * Default: the connector's own.
     */
    concurrency: positiveInt.max(64).optional(),
    /** Operations started per second for this service, per worker; absent: unlimited. */
    ratePerSecond: positiveInt.optional(),
  })
  .prefault({})

export const serviceSchema = z.strictObject({
  /** The catalog's database service name: the first part of every FQN. */
  name,
  /** Connector name, e.g. postgres, redshift, pglite. */
  type: name,
  /** Validated by the connector's own schema once the type is known. */
  connection: z.record(z.string(), z.unknown()).default({}),
  owners: ownerMappingSchema,
  execution: serviceExecutionSchema,
})

export const syncSchema = z
  .strictObject({
    descriptions: z.boolean().default(true),
    tags: z.boolean().default(true),
    owners: z.boolean().default(false),
  })
  .prefault({})

export const channelSchema = z.strictObject({
  name,
  /** Services this channel writes to; all services when absent. */
  services: z.array(name).optional(),
  filter: channelFilterSchema.optional(),
  /** OpenMetadata's defaults: descriptions and tags on, owners off. */
  sync: syncSchema,
  templates: channelTemplatesSchema,
  options: channelOptionsSchema,
})

/**
 * Slow clients must not hold connections: Node closes a request whose headers (headersMs) or
 * whole request (requestMs) take longer, checking every checkIntervalMs; an idle socket closes
 * after idleMs, an idle keep-alive connection after keepAliveMs.
 */
export const serverTimeoutsSchema = z
  .strictObject({
    headersMs: positiveInt.default(10_000),
    requestMs: positiveInt.default(30_000),
    idleMs: positiveInt.default(60_000),
    keepAliveMs: positiveInt.default(5_000),
    checkIntervalMs: positiveInt.default(1_000),
  })
  .prefault({})

/** The catalog keys each kind of catalog cannot work without: declared as data, so no code branches on the type. */
const catalogRequires: Readonly<Record<string, readonly ('url' | 'token')[]>> = { builtin: [], openmetadata: ['url'] }

export const configSchema = z.strictObject({
  catalog: z
    .strictObject({
      type: z.enum(['builtin', 'openmetadata']).default('builtin'),
      /** OpenMetadata's base URL (http://host:8585). */
      url: z.string().url().optional(),
      /** A bot's JWT token; from ${ENV} or a file, never in the file itself. */
      token: z.string().optional(),
      /** The secret of the OpenMetadata webhook subscription: X-OM-Signature is required when set. */
      webhookSecret: z.string().min(1).optional(),
      /** Poll GET /api/v1/events (OpenMetadata catalogs); the webhook works either way. */
      poll: z.boolean().default(false),
      pollIntervalMs: positiveInt.default(5_000),
      timeoutMs: positiveInt.default(10_000),
      /**
       * Changes made by these catalog users are not pushed back: ingestion bots copy the source
       * into the catalog, so their changes came from the source (no echo).
       */
      ignoreUsers: z.array(z.string()).default(['ingestion-bot', 'revmeta-ingest']),
      subscriptions: z
        .strictObject({
          /**
           * URL prefixes (origin plus path prefix) a built-in catalog webhook subscription may
           * target, besides revmeta's own webhook, which is always allowed. Empty by default: the
           * catalog sends its changes nowhere else.
           */
          allow: z.array(z.string().url()).default([]),
        })
        .prefault({}),
    })
    .superRefine((catalog, ctx) => {
      for (const key of catalogRequires[catalog.type] ?? []) {
        if (catalog[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required when catalog.type is ${catalog.type}` })
      }
    })
    .prefault({}),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8787),
      /** The URL OpenMetadata (or the built-in catalog) posts webhooks to; default from host and port. */
      publicUrl: z.string().url().optional(),
      /** token: every route but the signed webhook needs an API token or a session made from one; none: only on a loopback host. */
      auth: z.enum(['token', 'none']).default('token'),
      /** Largest JSON body of the API routes (bytes). */
      bodyLimit: positiveInt.max(64 * 2 ** 20).default(2 * 2 ** 20),
      /** Largest webhook body (bytes): checked against Content-Length first, then while the body streams in. */
      webhookBodyLimit: positiveInt.max(64 * 2 ** 20).default(2 ** 20),
      timeouts: serverTimeoutsSchema,
      /** The web app's sign-in (issue 16): how long a session lasts, and how many failed sign-ins an address may make per window. */
      session: z
        .strictObject({
          ttlMs: positiveInt.default(8 * 3_600_000),
          signInAttempts: positiveInt.default(10),
          signInWindowMs: positiveInt.default(60_000),
        })
        .prefault({}),
    })
    .superRefine((server, ctx) => {
      if (server.auth === 'none' && !isLoopbackHost(server.host)) {
        ctx.addIssue({ code: 'custom', path: ['auth'], message: `auth: none is only allowed when server.host is a loopback address (127.0.0.0/8, ::1, localhost), not ${JSON.stringify(server.host)}` })
      }
    })
    .prefault({}),
  /** Where durable state lives (store-schema.ts holds its one definition, which `revmeta runs` checks without zod). */
  store: z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      const checked = checkStoreSection(value)
      if (checked.ok) return checked.value
      for (const issue of checked.issues) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message })
      return z.NEVER
    }),
  execution: z
    .strictObject({
      /** Operations claimed per batch (one read-back and a few round trips per batch). */
      batchSize: positiveInt.max(10_000).default(500),
      /** Attempts before a retryable failure becomes a dead letter. */
      maxAttempts: positiveInt.max(100).default(5),
      retryBaseMs: positiveInt.default(1_000),
      retryMaxMs: positiveInt.default(300_000),
      /** A worker that holds operations longer than this without a heartbeat is presumed dead. */
      leaseMs: positiveInt.default(120_000),
      /**
       * A batch still running on its source after this long is given up: its operations are retried
       * (CONNECTION_FAILED, retryable) on a fresh connection and the old one is discarded. A backstop
       * behind the connectors' own timeouts, so nothing stays running for good.
       */
      batchTimeoutMs: positiveInt.default(300_000),
      pollMs: positiveInt.default(500),
      /** `revmeta apply` waits for retries due within this horizon; later ones stay queued for a worker. */
      waitForRetriesMs: z.number().int().nonnegative().default(10_000),
      breaker: z
        .strictObject({ failures: positiveInt.default(3), cooldownMs: positiveInt.default(30_000), maxCooldownMs: positiveInt.default(600_000) })
        .prefault({}),
    })
    .prefault({}),
  /** Limits on what one events input may hold (see src/inputs/input-limits.ts and README, Inputs). */
  input: z
    .strictObject({
      maxDepth: positiveInt.max(1_000).default(defaultInputLimits.maxDepth),
      maxEventChars: positiveInt.default(defaultInputLimits.maxEventChars),
      maxInputBytes: positiveInt.default(defaultInputLimits.maxInputBytes),
    })
    .prefault({}),
  /** pino's level for serve, worker and the CLI; --log-level overrides it. */
  log: z.strictObject({ level: z.enum(logLevels).default('info') }).prefault({}),
  services: z.array(serviceSchema).min(1, 'at least one service is required'),
  /** An entry may also be OpenMetadata's ReverseMetadata configuration verbatim (channels/reverse-metadata.ts). */
  channels: z.array(z.preprocess(channelFromReverseMetadata, channelSchema)).optional(),
})

export type RawConfig = z.infer<typeof configSchema>
export type OwnerMapping = z.infer<typeof ownerMappingSchema>
export type ExecutionConfig = z.infer<typeof configSchema>['execution']
export type ChannelConfig = z.infer<typeof channelSchema>
