import { describe, expect, it } from 'vitest'
import { capabilitiesOf, type ObjectState } from '../../src/connectors/connector.js'
import { DatabricksDialect } from '../../src/connectors/databricks/databricks-dialect.js'
import { AskedNames, databricksSnapshot } from '../../src/connectors/databricks/databricks-read-back.js'
import { fieldDefinition } from '../../src/connectors/databricks/databricks-nested-field.js'
import { UnityCatalogDialect } from '../../src/connectors/unity-catalog/unity-catalog-dialect.js'
import { unityCatalogRows } from '../../src/connectors/unity-catalog/unity-catalog-read-back.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { SqlStatement } from '../../src/model/statement.js'
import { tokenize } from '../support/databricks-sql.js'

const field = (column: string, ...path: string[]): AssetRef => ({ level: 'column', service: 'dbx', database: 'Main', schema: 'Sales', table: 'Orders', column, path })
const sql = (statements: readonly unknown[]) => statements.map((s) => (s as SqlStatement).sql)

describe('Databricks nested field comments (rendering)', () => {
  for (const dialect of [new DatabricksDialect(), new UnityCatalogDialect()]) {
    it(`${dialect.name}: declares nested fields for descriptions only`, () => {
      expect(capabilitiesOf(dialect).nestedFieldKinds).toEqual(['description'])
      expect(dialect.tags.nestedFieldsUnsupported).toMatch(/top-level columns only/)
    })

    it(`${dialect.name}: ALTER TABLE ... ALTER COLUMN with the dotted path, each part quoted; '' clears`, () => {
      const render = (asset: AssetRef, text: string | null, definition?: string) => sql(dialect.description.render({ asset, objectType: 'field', ...(definition !== undefined ? { definition } : {}) }, text))
      // Offline: the plain path, a table assumed.
      expect(render(field('customer', 'address', 'city'), "it's")).toEqual(["ALTER TABLE `Main`.`Sales`.`Orders` ALTER COLUMN `customer`.`address`.`city` COMMENT 'it\\'s'"])
      expect(render(field('customer', 'zip'), null)).toEqual(["ALTER TABLE `Main`.`Sales`.`Orders` ALTER COLUMN `customer`.`zip` COMMENT ''"])
      // Read back: the address through the array's elements, as full_data_type showed it.
      expect(render(field('items', 'sku'), 'x', fieldDefinition('table', ['items', null, 'sku']))).toEqual(["ALTER TABLE `Main`.`Sales`.`Orders` ALTER COLUMN `items`.element.`sku` COMMENT 'x'"])
      // A field literally named `element` inside a struct is a name, so quoted.
      expect(render(field('c', 'element'), 'x', fieldDefinition('external_table', ['c', 'element']))).toEqual(["ALTER TABLE `Main`.`Sales`.`Orders` ALTER COLUMN `c`.`element` COMMENT 'x'"])
    })

    it(`${dialect.name}: hostile names and text read back exactly through Databricks' own lexing`, () => {
      const names = ['a`b', 'x.y', "o'dd", 'ünï 🦄', 'COMMENT']
      const text = "line1\nline2 \\ 'q' \"d\" $$ -- ;"
      const [statement] = sql(dialect.description.render({ asset: field('s', ...names), objectType: 'field' }, text))
      const tokens = tokenize(statement!)
      const at = tokens.findIndex((t) => t.kind === 'word' && t.text === 'COLUMN')
      const path = tokens.slice(at + 1).filter((t) => t.kind === 'ident').map((t) => t.text)
      expect(path).toEqual(['s', ...names])
      expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual([text])
    })

    it(`${dialect.name}: a view's field is refused: ALTER VIEW ... ALTER COLUMN sets tags only`, () => {
      expect(() => dialect.description.render({ asset: field('customer', 'zip'), objectType: 'field', definition: fieldDefinition('view', ['customer', 'zip']) }, 'x')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
    })
  }
})

describe('Databricks nested field read-back', () => {
  const asked: AssetRef[] = [field('Customer', 'ZIP'), field('Items', 'SKU')]

  it('files each field under the path as the catalog asked for it, with its address for ALTER COLUMN; tags are not read for fields', () => {
    const snapshot = new Map<string, ObjectState>()
    databricksSnapshot(
      snapshot,
      'dbx',
      'Main',
      {
        tables: [{ table_schema: 'sales', table_name: 'orders', table_type: 'MANAGED', table_owner: 'o', comment: null }],
        columns: [
          { table_schema: 'sales', table_name: 'orders', column_name: 'customer', full_data_type: "struct<zip:string COMMENT 'Postal',name:string>", comment: 'c' },
          { table_schema: 'sales', table_name: 'orders', column_name: 'items', full_data_type: 'array<struct<sku:string>>', comment: null },
          { table_schema: 'sales', table_name: 'orders', column_name: 'id', full_data_type: 'bigint', comment: null },
        ],
        columnTags: [],
      },
      new AskedNames(asked),
    )
    expect(snapshot.get('dbx.Main.Sales.Orders.Customer.ZIP')).toEqual({ objectType: 'field', description: 'Postal', definition: fieldDefinition('table', ['Customer', 'zip']) })
    expect(snapshot.get('dbx.Main.Sales.Orders.Items.SKU')).toEqual({ objectType: 'field', description: null, definition: fieldDefinition('table', ['Items', null, 'sku']) })
    // Not asked for: the engine's spelling under the asked parent.
    expect(snapshot.get('dbx.Main.Sales.Orders.Customer.name')).toMatchObject({ objectType: 'field', description: null })
    expect(snapshot.get('dbx.Main.Sales.Orders.Customer')).toMatchObject({ objectType: 'column', description: 'c', tags: [] })
    expect([...snapshot.keys()].filter((k) => k.startsWith('dbx.Main.Sales.Orders.id.'))).toEqual([])
  })

  it('Unity Catalog: the REST listing\'s type_json wins over anything else, comments exact (no escaping to undo)', () => {
    const comment = "it's \\n not a newline"
    const typeJson = JSON.stringify({ name: 'customer', type: { type: 'struct', fields: [{ name: 'zip', type: 'string', nullable: true, metadata: { comment } }] }, nullable: true, metadata: {} })
    const rows = unityCatalogRows({ name: 'main' }, [{ name: 'sales' }], [{ name: 'orders', schema_name: 'sales', table_type: 'MANAGED', columns: [{ name: 'customer', type_json: typeJson }] }])
    const snapshot = new Map<string, ObjectState>()
    databricksSnapshot(snapshot, 'dbx', 'Main', rows, new AskedNames(asked))
    expect(snapshot.get('dbx.Main.Sales.Orders.Customer.ZIP')?.description).toBe(comment)
  })
})
