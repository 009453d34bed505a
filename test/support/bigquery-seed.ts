import type { BigQueryEndpoint } from './bigquery-endpoint.js'

/**
 * The tables the BigQuery tests hold: a partitioned, clustered table with labels and a nested
 * STRUCT, a view and a materialized view (their queries must survive every patch).
 */
export const project = 'acme-data'
export const dataset = 'sales'

export function seedBigQuery(endpoint: BigQueryEndpoint): void {
  endpoint.addDataset(project, dataset, { location: 'EU', description: 'Sales data', labels: { team: 'finance' }, defaultTableExpirationMs: '5184000000', access: [{ role: 'OWNER', userByEmail: 'admin@acme.example' }] })
  endpoint.addTable(project, dataset, 'orders', {
    description: 'Orders',
    labels: { env: 'prod', tier: 'gold' },
    timePartitioning: { type: 'DAY', field: 'ordered_at', expirationMs: '7776000000' },
    clustering: { fields: ['customer_id'] },
    requirePartitionFilter: true,
    schema: {
      fields: [
        { name: 'id', type: 'INTEGER', mode: 'REQUIRED', description: 'Order id' },
        { name: 'customer_id', type: 'STRING', policyTags: { names: ['projects/acme-data/locations/eu/taxonomies/1/policyTags/2'] } },
        { name: 'ordered_at', type: 'TIMESTAMP' },
        {
          name: 'address',
          type: 'RECORD',
          mode: 'NULLABLE',
          description: 'Where it goes',
          fields: [
            { name: 'city', type: 'STRING', maxLength: '100' },
            { name: 'geo', type: 'RECORD', fields: [{ name: 'lat', type: 'FLOAT', description: 'Latitude' }, { name: 'lon', type: 'FLOAT' }] },
          ],
        },
        { name: 'items', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'sku', type: 'STRING', defaultValueExpression: "'none'" }] },
      ],
    },
  })
  endpoint.addTable(project, dataset, 'daily', {
    type: 'VIEW',
    view: { query: 'SELECT DATE(ordered_at) AS day, COUNT(*) AS n FROM `acme-data.sales.orders` GROUP BY 1', useLegacySql: false },
    schema: { fields: [{ name: 'day', type: 'DATE' }, { name: 'n', type: 'INTEGER' }] },
  })
  endpoint.addTable(project, dataset, 'totals', {
    type: 'MATERIALIZED_VIEW',
    materializedView: { query: 'SELECT customer_id, COUNT(*) AS n FROM `acme-data.sales.orders` GROUP BY 1', enableRefresh: true, refreshIntervalMs: '1800000' },
    schema: { fields: [{ name: 'customer_id', type: 'STRING' }, { name: 'n', type: 'INTEGER' }] },
  })
}
