import { z } from 'zod'
import { intField } from '../kit/config-fields.js'
import { fileField } from '../kit/connection-fields.js'

const httpUrl = z
  .string()
  .min(1)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an http:// or https:// URL' })

/**
 * BigQuery through the official @google-cloud/bigquery client. Credentials: a service-account key
 * file (read by the Google auth library, never logged), or application default credentials when
 * none is given. The catalog's database names the project of each asset; `projectId` is the
 * project the client runs as.
 */
export const bigqueryConnectionSchema = z.strictObject({
  projectId: z.string().min(1),
  /** Dataset location (`US`, `europe-west1`, ...), passed with every request that takes one. */
  location: z.string().min(1).optional(),
  /** Service-account JSON key file, relative to the config file; absent: application default credentials. */
  keyFile: fileField(),
  /** Overrides `https://bigquery.googleapis.com`: a private endpoint, or a local one in tests. */
  apiEndpoint: httpUrl.optional(),
  /**
   * BigQuery has no owners: with a label key here, an owner is written as that label
   * (`owner=jane`), on datasets and tables; absent, owners are reported unsupported.
   */
  ownerLabel: z.string().min(1).max(63).optional(),
  /** Datasets and tables read back at once (datasets.get, tables.list, tables.get). */
  readConcurrency: intField(1, 64).default(8),
  /** Tables patched at once within one batch; the executor still paces each table. */
  writeConcurrency: intField(1, 64).default(4),
  /** Times a tables.patch answered 412 (the table changed meanwhile) is read again and retried. */
  conflictRetries: intField(0, 20).default(5),
  /** Bound on one request, in milliseconds. */
  timeoutMs: intField(1_000, 600_000).default(60_000),
})

export type BigQueryConnection = z.output<typeof bigqueryConnectionSchema>
