import { describe, expect, it } from 'vitest'
import type { ObjectState } from '../../src/connectors/connector.js'
import { DatabricksDialect } from '../../src/connectors/databricks/databricks-dialect.js'
import { AskedNames, databricksReadBackQueries, databricksSnapshot } from '../../src/connectors/databricks/databricks-read-back.js'
import type { AssetRef } from '../../src/model/asset.js'

const dialect = new DatabricksDialect()

describe('Databricks read-back queries', () => {
  it('one query per kind of object for every schema asked for, names bound as lowercase parameters', () => {
    const queries = databricksReadBackQueries(dialect, 'Main', ['Sales', "o'dd"])
    expect(queries.catalogs).toEqual({ statement: 'SELECT catalog_name, catalog_owner, comment FROM `Main`.information_schema.catalogs WHERE lower(catalog_name) = :catalog', parameters: [{ name: 'catalog', value: 'main' }] })
    expect(queries.columnTags).toEqual({
      statement: 'SELECT schema_name, table_name, column_name, tag_name, tag_value FROM `Main`.information_schema.column_tags WHERE lower(schema_name) IN (:s0, :s1)',
      parameters: [
        { name: 's0', value: 'sales' },
        { name: 's1', value: "o'dd" },
      ],
    })
    expect(Object.keys(queries).sort()).toEqual(['catalogTags', 'catalogs', 'columnTags', 'columns', 'schemaTags', 'schemata', 'tableTags', 'tables'])
    // The values never enter the SQL text.
    for (const query of Object.values(queries)) expect(query!.statement).not.toContain("o'dd")
  })

  it('asks only for the catalog when no schema is named', () => {
    expect(Object.keys(databricksReadBackQueries(dialect, 'main', []))).toEqual(['catalogs', 'catalogTags'])
  })
})

describe('Databricks read-back mapping', () => {
  const asked: AssetRef[] = [
    { level: 'column', service: 'dbx', database: 'Main', schema: 'Sales', table: 'Orders', column: 'Email' },
    { level: 'table', service: 'dbx', database: 'Main', schema: 'Sales', table: 'V_Orders' },
  ]
  const snapshot = new Map<string, ObjectState>()
  databricksSnapshot(
    snapshot,
    'dbx',
    'Main',
    {
      catalogs: [{ catalog_name: 'main', catalog_owner: 'admins', comment: 'C' }],
      catalogTags: [{ catalog_name: 'main', tag_name: 'Env', tag_value: 'prod' }],
      schemata: [{ schema_name: 'sales', schema_owner: 'eng', comment: null }],
      schemaTags: [],
      tables: [
        { table_schema: 'sales', table_name: 'orders', table_type: 'MANAGED', table_owner: 'o', comment: 'T' },
        { table_schema: 'sales', table_name: 'v_orders', table_type: 'VIEW', table_owner: 'o', comment: null },
        { table_schema: 'sales', table_name: 'other', table_type: 'MATERIALIZED_VIEW', table_owner: 'o', comment: null },
      ],
      tableTags: [{ schema_name: 'sales', table_name: 'v_orders', tag_name: 'Tier', tag_value: 'Gold' }],
      columns: [{ table_schema: 'sales', table_name: 'orders', column_name: 'email', comment: 'E' }],
      columnTags: [{ schema_name: 'sales', table_name: 'orders', column_name: 'email', tag_name: 'PII', tag_value: null }],
    },
    new AskedNames(asked),
  )

  it('files lowercase engine names under the mixed-case names the catalog asked for', () => {
    expect(snapshot.get('dbx.Main')).toEqual({ objectType: 'database', description: 'C', owner: 'admins', tags: [{ key: 'Env', value: 'prod' }] })
    expect(snapshot.get('dbx.Main.Sales')).toEqual({ objectType: 'schema', description: null, owner: 'eng', tags: [] })
    expect(snapshot.get('dbx.Main.Sales.V_Orders')).toMatchObject({ objectType: 'view', tags: [{ key: 'Tier', value: 'Gold' }] })
    expect(snapshot.get('dbx.Main.Sales.Orders.Email')).toEqual({ objectType: 'column', description: 'E', definition: 'table', tags: [{ key: 'PII', value: '' }] })
  })

  it('keeps the engine spelling for objects nobody asked for, with their types', () => {
    expect(snapshot.get('dbx.Main.Sales.other')).toMatchObject({ objectType: 'materialized_view', tags: [] })
  })
})
