import { describe, expect, it } from 'vitest'
import { capabilitiesOf, type ObjectTarget, type ObjectType } from '../../src/connectors/connector.js'
import { UnityCatalogDialect } from '../../src/connectors/unity-catalog/unity-catalog-dialect.js'
import { listPath, unityCatalogRows } from '../../src/connectors/unity-catalog/unity-catalog-read-back.js'
import type { AssetRef } from '../../src/model/asset.js'
import { decodeLiteral } from '../support/databricks-sql.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { codeOf, sqlOf as shown } from '../support/results.js'

const dialect = new UnityCatalogDialect()
const at = (asset: Omit<AssetRef, 'service'>, objectType: ObjectType, definition?: string): ObjectTarget => ({ asset: { service: 'uc', ...asset } as AssetRef, objectType, ...(definition !== undefined ? { definition } : {}) })
const catalog = at({ level: 'database', database: 'Main' }, 'database')
const schema = at({ level: 'schema', database: 'Main', schema: 'Sales' }, 'schema')
const table = (type: ObjectType = 'table') => at({ level: 'table', database: 'Main', schema: 'Sales', table: 'Orders' }, type)
const column = at({ level: 'column', database: 'Main', schema: 'Sales', table: 'Orders', column: 'Email' }, 'column', 'table')

describe('UnityCatalogDialect', () => {
  it('comments catalogs and schemas through the REST API, lowercase full names, percent-encoded', () => {
    expect(dialect.renderDescription(catalog, 'Main')).toEqual([
      { kind: 'api', endpoint: 'unity-catalog', method: 'PATCH', path: '/api/2.1/unity-catalog/catalogs/main', body: { comment: 'Main' }, display: 'PATCH /api/2.1/unity-catalog/catalogs/main {"comment":"Main"}' },
    ])
    expect(shown(dialect.renderDescription(schema, null))).toEqual(['PATCH /api/2.1/unity-catalog/schemas/main.sales {"comment":""}'])
    expect(shown(dialect.renderDescription(at({ level: 'schema', database: 'main', schema: "o'dd sch/x" }, 'schema'), 'x'))).toEqual([`PATCH /api/2.1/unity-catalog/schemas/main.o'dd%20sch%2Fx {"comment":"x"}`])
  })

  it('comments tables and columns through SQL, as Databricks', () => {
    expect(shown(dialect.renderDescription(table(), 't'))).toEqual(["COMMENT ON TABLE `Main`.`Sales`.`Orders` IS 't'"])
    expect(shown(dialect.renderDescription(column, null))).toEqual(['COMMENT ON COLUMN `Main`.`Sales`.`Orders`.`Email` IS NULL'])
  })

  it('sets owners of catalogs, schemas, tables and views through REST', () => {
    expect(shown(dialect.owners.render(catalog, 'marta@example.com'))).toEqual(['PATCH /api/2.1/unity-catalog/catalogs/main {"owner":"marta@example.com"}'])
    expect(shown(dialect.owners.render(schema, 'data-eng'))).toEqual(['PATCH /api/2.1/unity-catalog/schemas/main.sales {"owner":"data-eng"}'])
    expect(shown(dialect.owners.render(table('view'), 'data-eng'))).toEqual(['PATCH /api/2.1/unity-catalog/tables/main.sales.orders {"owner":"data-eng"}'])
    expect(codeOf(() => dialect.owners.render(column, 'x'))).toBe('UNSUPPORTED')
  })

  it('writes through SQL what REST cannot address: a dot inside a name would split the full name', () => {
    const dotted = at({ level: 'schema', database: 'main', schema: 's.o' }, 'schema')
    expect(shown(dialect.renderDescription(dotted, 'x'))).toEqual(["COMMENT ON SCHEMA `main`.`s.o` IS 'x'"])
    expect(shown(dialect.owners.render(dotted, 'o'))).toEqual(['ALTER SCHEMA `main`.`s.o` OWNER TO `o`'])
  })

  it('tags go through SQL, as Databricks', () => {
    expect(shown(dialect.tags.render(table(), { add: [{ key: 'PII', value: "it's" }], remove: [] }))).toEqual(["ALTER TABLE `Main`.`Sales`.`Orders` SET TAGS ('PII' = 'it\\'s')"])
  })

  it('REST bodies carry hostile text as JSON, exactly; NUL and lone surrogates are refused as in SQL', () => {
    for (const value of [...Object.values(hostileBase), mixedUnicode]) {
      const [statement] = dialect.renderDescription(catalog, value)
      expect(statement?.kind === 'api' ? (JSON.parse(JSON.stringify(statement.body)) as { comment: string }).comment : undefined).toBe(value)
      const [sql] = shown(dialect.renderDescription(table(), value))
      expect(decodeLiteral(sql!)).toBe(value)
    }
    expect(codeOf(() => dialect.renderDescription(catalog, 'a\u0000'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.renderDescription(schema, '\uDC00'))).toBe('VALUE_INVALID')
    // A name the engine could not hold never reaches a REST path either.
    expect(codeOf(() => dialect.renderDescription(at({ level: 'schema', database: 'main', schema: 'a\u0000b' }, 'schema'), 'x'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.owners.render(at({ level: 'database', database: 'c'.repeat(256) }, 'database'), 'o'))).toBe('NAME_TOO_LONG')
  })

  it('claims the same cells as Databricks', () => {
    const caps = capabilitiesOf(dialect)
    expect([caps.descriptionLevels, caps.tagLevels, caps.ownerLevels]).toEqual([['database', 'schema', 'table', 'column'], ['database', 'schema', 'table', 'column'], ['database', 'schema', 'table']])
  })
})

describe('Unity Catalog read-back mapping', () => {
  it('pages listings by catalog and schema, lowercase', () => {
    expect(listPath('tables', 'Main', 'Sales', 50, undefined)).toBe('/api/2.1/unity-catalog/tables?catalog_name=main&schema_name=sales&max_results=50')
    expect(listPath('schemas', 'main', undefined, 10, 'tok&x')).toBe('/api/2.1/unity-catalog/schemas?catalog_name=main&max_results=10&page_token=tok%26x')
  })

  it('maps catalogs, schemas, tables and their columns onto information_schema rows; empty comments read as none', () => {
    const rows = unityCatalogRows(
      { name: 'main', owner: 'admins', comment: '' },
      [{ name: 'sales', owner: 'eng', comment: 'S' }],
      [{ name: 'orders', schema_name: 'sales', table_type: 'VIEW', owner: 'o', columns: [{ name: 'id' }, { name: 'email', comment: 'E' }] }],
    )
    expect(rows).toEqual({
      catalogs: [{ catalog_name: 'main', catalog_owner: 'admins', comment: null }],
      schemata: [{ schema_name: 'sales', schema_owner: 'eng', comment: 'S' }],
      tables: [{ table_schema: 'sales', table_name: 'orders', table_type: 'VIEW', table_owner: 'o', comment: null }],
      columns: [
        { table_schema: 'sales', table_name: 'orders', column_name: 'id', comment: null, type_json: null },
        { table_schema: 'sales', table_name: 'orders', column_name: 'email', comment: 'E', type_json: null },
      ],
    })
  })
})
