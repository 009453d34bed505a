import { describe, expect, it } from 'vitest'
import type { ObjectState } from '../../src/connectors/connector.js'
import { maxSchemasPerQuery, mssqlObjectType, mssqlReadBackQueries, mssqlSnapshot, type MssqlRow } from '../../src/connectors/mssql/mssql-read-back.js'

describe('mssql read-back SQL, pinned', () => {
  it('the database row and its properties, then one query per 500 schemas with names bound', () => {
    const [db, objects, ...rest] = mssqlReadBackQueries(["sales'; --", 'dbo'])
    expect(rest).toEqual([])
    expect(db).toEqual({
      params: [],
      text: `SELECT 'database' AS what, NULL AS schema_name, NULL AS object_name, NULL AS object_type, NULL AS column_name, NULL AS prop, NULL AS value, SUSER_SNAME(d.owner_sid) AS owner FROM sys.databases d WHERE d.database_id = DB_ID()
UNION ALL SELECT 'property', NULL, NULL, NULL, NULL, ep.name, CAST(ep.value AS nvarchar(4000)), NULL FROM sys.extended_properties ep WHERE ep.class = 0`,
    })
    expect(objects!.params).toEqual([
      { name: 's0', value: "sales'; --", type: 'nvarchar(128)' },
      { name: 's1', value: 'dbo', type: 'nvarchar(128)' },
    ])
    expect(objects!.text).toBe(
      [
        "SELECT 'schema' AS what, s.name AS schema_name, NULL AS object_name, NULL AS object_type, NULL AS column_name, NULL AS prop, NULL AS value, USER_NAME(s.principal_id) AS owner FROM sys.schemas s WHERE s.name IN (@s0, @s1)",
        "SELECT 'property', s.name, NULL, NULL, NULL, ep.name, CAST(ep.value AS nvarchar(4000)), NULL FROM sys.extended_properties ep JOIN sys.schemas s ON ep.class = 3 AND ep.major_id = s.schema_id WHERE s.name IN (@s0, @s1)",
        "SELECT 'object', s.name, o.name, o.type, NULL, NULL, NULL, USER_NAME(COALESCE(o.principal_id, s.principal_id)) FROM sys.objects o JOIN sys.schemas s ON s.schema_id = o.schema_id WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND s.name IN (@s0, @s1)",
        "SELECT 'column', s.name, o.name, o.type, c.name, NULL, NULL, NULL FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id JOIN sys.schemas s ON s.schema_id = o.schema_id WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND s.name IN (@s0, @s1)",
        "SELECT 'property', s.name, o.name, o.type, c.name, ep.name, CAST(ep.value AS nvarchar(4000)), NULL FROM sys.extended_properties ep JOIN sys.objects o ON ep.class = 1 AND o.object_id = ep.major_id JOIN sys.schemas s ON s.schema_id = o.schema_id LEFT JOIN sys.columns c ON ep.minor_id > 0 AND c.object_id = ep.major_id AND c.column_id = ep.minor_id WHERE o.type IN ('U', 'V') AND s.name IN (@s0, @s1)",
      ].join('\nUNION ALL '),
    )
    expect(objects!.text).not.toContain('sales')
  })

  it('many schemas: chunks of 500 (SQL Server takes at most 2,100 parameters), none without schemas', () => {
    const queries = mssqlReadBackQueries(Array.from({ length: 1_001 }, (_, i) => `s${i}`))
    expect(queries.map((q) => q.params.length)).toEqual([0, maxSchemasPerQuery, maxSchemasPerQuery, 1])
    expect(mssqlReadBackQueries([])).toHaveLength(1)
  })
})

/** Rows as SQL Server returns them for the queries above (recorded shape: one row type, NULLs where a part is absent). */
const row = (what: string, parts: Partial<MssqlRow>): MssqlRow => ({ what, schema_name: null, object_name: null, object_type: null, column_name: null, prop: null, value: null, owner: null, ...parts })
const recorded: MssqlRow[] = [
  row('database', { owner: 'sa' }),
  row('property', { prop: 'MS_Description', value: 'The shop' }),
  row('property', { prop: 'openmetadata.tag.Tier', value: 'Gold' }),
  row('schema', { schema_name: 'sales', owner: 'dbo' }),
  row('property', { schema_name: 'sales', prop: 'MS_Description', value: "it's \\\nodd" }),
  row('object', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', owner: 'app_owner' }),
  row('object', { schema_name: 'sales', object_name: 'v_orders', object_type: 'V ', owner: 'dbo' }),
  row('column', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', column_name: 'email' }),
  row('column', { schema_name: 'sales', object_name: 'v_orders', object_type: 'V ', column_name: 'email' }),
  row('property', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', prop: 'MS_Description', value: 'Orders 🦄' }),
  row('property', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', prop: 'openmetadata.tag.PII', value: 'Sensitive' }),
  row('property', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', prop: 'other_tool', value: 'ignored' }),
  row('property', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', prop: 'openmetadata.tag.', value: 'no key: ignored' }),
  row('property', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', column_name: 'email', prop: 'MS_Description', value: '' }),
  row('property', { schema_name: 'sales', object_name: 'orders', object_type: 'U ', column_name: 'email', prop: 'openmetadata.tag.PII', value: 'Email' }),
  // A property on a schema that was not asked for: no object to file it under.
  row('property', { schema_name: 'other', object_name: 't', object_type: 'U ', prop: 'MS_Description', value: 'x' }),
]

describe('mssql read-back rows → states', () => {
  it('descriptions, tags under the prefix, owners, object types and a column relation type', () => {
    const snapshot = new Map<string, ObjectState>()
    mssqlSnapshot(snapshot, 'sqlserver', 'Shop', recorded, 'openmetadata.tag.')
    expect(Object.fromEntries(snapshot)).toEqual({
      'sqlserver.Shop': { objectType: 'database', description: 'The shop', owner: 'sa', tags: [{ key: 'Tier', value: 'Gold' }] },
      'sqlserver.Shop.sales': { objectType: 'schema', description: "it's \\\nodd", owner: 'dbo', tags: [] },
      'sqlserver.Shop.sales.orders': { objectType: 'table', description: 'Orders 🦄', owner: 'app_owner', tags: [{ key: 'PII', value: 'Sensitive' }] },
      'sqlserver.Shop.sales.v_orders': { objectType: 'view', description: null, owner: 'dbo', tags: [] },
      'sqlserver.Shop.sales.orders.email': { objectType: 'column', description: '', tags: [{ key: 'PII', value: 'Email' }], definition: 'table' },
      'sqlserver.Shop.sales.v_orders.email': { objectType: 'column', description: null, tags: [], definition: 'view' },
    })
  })

  it('another prefix reads other properties as tags; unknown object types keep their code', () => {
    const snapshot = new Map<string, ObjectState>()
    mssqlSnapshot(snapshot, 'sqlserver', 'Shop', recorded, 'other_')
    expect(snapshot.get('sqlserver.Shop.sales.orders')?.tags).toEqual([{ key: 'tool', value: 'ignored' }])
    expect(mssqlObjectType('ET')).toBe('mssql:ET')
    expect(mssqlObjectType(null)).toBe('mssql:')
  })
})
