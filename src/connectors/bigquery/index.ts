import type { Connector } from '../connector.js'
import { bigqueryConnectionSchema, type BigQueryConnection } from './bigquery-connection.js'
import { BigQueryDialect } from './bigquery-dialect.js'
import { labelOf } from './bigquery-labels.js'

const ownerLabelOf = (c: BigQueryConnection) => (c.ownerLabel === undefined ? undefined : labelOf({ key: c.ownerLabel, value: '' }).key)

export const bigqueryConnector: Connector<BigQueryConnection> = {
  name: 'bigquery',
  tier: 'wire',
  connectionSchema: bigqueryConnectionSchema,
  createDialect: (connection) => new BigQueryDialect(connection.ownerLabel !== undefined ? { ownerLabel: connection.ownerLabel } : {}),
  // Datasets are independent; within one, the client bounds its own fan-out and the executor paces each table.
  defaultConcurrency: 2,
  // BigQuery allows about five metadata updates per table, and per dataset, every ten seconds; the
  // client sends one call's patches of a table as one request.
  pacing: { limit: 5, windowMs: 10_000, combinesPerKey: true, keyOf: (s) => (s.kind === 'api' && s.method === 'PATCH' ? s.path : undefined) },
  // The client module (and through it @google-cloud/bigquery) loads only when a service uses it.
  createClient: async (connection, context) => (await import('./bigquery-client.js')).createBigQueryClient(connection, context, ownerLabelOf(connection)),
}
