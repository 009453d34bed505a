import type { GlueEndpoint, GlueObject } from './glue-endpoint.js'

/**
 * Glue objects as a real Data Catalog holds them, with everything an update must keep: a
 * partitioned Parquet table with nested types, SerDe and skew info, table and column parameters;
 * an Athena (Presto) view; a database with a location, parameters and default permissions.
 */
export const salesDatabase: GlueObject = {
  Name: 'sales',
  Description: 'Sales data lake',
  LocationUri: 's3://lake/sales/',
  Parameters: { classification: 'parquet', 'openmetadata.tag.Tier': 'Gold' },
  CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
}

export const ordersTable: GlueObject = {
  Name: 'orders',
  Description: 'Orders',
  Owner: 'etl',
  LastAccessTime: 1_700_000_100,
  Retention: 0,
  TableType: 'EXTERNAL_TABLE',
  Parameters: { comment: 'Orders', EXTERNAL: 'TRUE', 'parquet.compression': 'SNAPPY', 'projection.enabled': 'true', 'openmetadata.tag.PII': 'None' },
  StorageDescriptor: {
    Columns: [
      { Name: 'id', Type: 'bigint', Comment: 'Order id' },
      { Name: 'customer', Type: 'struct<name:string,address:struct<street:string,zip:string>,tags:array<string>>', Parameters: { 'iceberg.field.id': '2' } },
      { Name: 'amount', Type: 'decimal(12,2)' },
    ],
    Location: 's3://lake/sales/orders/',
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    Compressed: false,
    NumberOfBuckets: -1,
    SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
    BucketColumns: [],
    SortColumns: [],
    Parameters: { 'storage.param': 'kept' },
    SkewedInfo: { SkewedColumnNames: [], SkewedColumnValues: [], SkewedColumnValueLocationMaps: {} },
    StoredAsSubDirectories: false,
  },
  PartitionKeys: [
    { Name: 'dt', Type: 'string', Comment: 'Load date' },
    { Name: 'region', Type: 'string', Parameters: { 'partition.hint': 'eu' } },
  ],
}

export const ordersView: GlueObject = {
  Name: 'v_orders',
  TableType: 'VIRTUAL_VIEW',
  Owner: 'analyst',
  Parameters: { presto_view: 'true', comment: 'old view' },
  Description: 'old view',
  ViewOriginalText: '/* Presto View: eyJvcmlnaW5hbFNxbCI6IlNFTEVDVCBpZCBGUk9NIG9yZGVycyJ9 */',
  ViewExpandedText: '/* Presto View */',
  StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], SerdeInfo: {}, Location: '', Compressed: false, NumberOfBuckets: 0, StoredAsSubDirectories: false },
  PartitionKeys: [],
}

/** A multi-dialect (Lake Formation) view: changed through ViewUpdateAction, so left alone. */
export const multiDialectView: GlueObject = {
  Name: 'mdv',
  TableType: 'VIRTUAL_VIEW',
  IsMultiDialectView: true,
  ViewDefinition: { Definer: 'arn:aws:iam::123456789012:role/definer', IsProtected: true, Representations: [{ Dialect: 'ATHENA', DialectVersion: '3', ViewOriginalText: 'SELECT 1' }] },
  StorageDescriptor: { Columns: [{ Name: 'one', Type: 'int' }] },
}

/** The sales database with its orders table and view (and `extra` more plain tables to page through). */
export function seedSales(endpoint: GlueEndpoint, extra = 0): GlueEndpoint {
  endpoint.putDatabase(salesDatabase).putTable('sales', ordersTable).putTable('sales', ordersView).putTable('sales', multiDialectView)
  for (let i = 0; i < extra; i++) endpoint.putTable('sales', { Name: `t${i}`, StorageDescriptor: { Columns: [{ Name: 'c', Type: 'int' }] }, PartitionKeys: [] })
  return endpoint
}
