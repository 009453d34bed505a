import { describe, expect, it } from 'vitest'
import { parseFullDataType, parseTypeJson, structFields } from '../../src/connectors/databricks/databricks-struct-type.js'

const fields = (text: string) => structFields(parseFullDataType(text)).map((f) => ({ path: f.path.join('|'), address: f.address.map((s) => s ?? '[]').join('|'), comment: f.comment }))

describe('full_data_type parser', () => {
  it('reads a flat struct in the catalog-string form, comments included', () => {
    expect(fields("struct<street:string COMMENT 'x',zip:int>")).toEqual([
      { path: 'street', address: 'street', comment: 'x' },
      { path: 'zip', address: 'zip', comment: null },
    ])
  })

  it('reads the SQL form: upper case, spaces, NOT NULL, COLLATE, parameterised types', () => {
    expect(fields("STRUCT<amount: DECIMAL(10,2) NOT NULL COMMENT 'in EUR', name: STRING COLLATE UTF8_LCASE COMMENT 'n', span: INTERVAL DAY TO SECOND, at: TIMESTAMP_NTZ>")).toEqual([
      { path: 'amount', address: 'amount', comment: 'in EUR' },
      { path: 'name', address: 'name', comment: 'n' },
      { path: 'span', address: 'span', comment: null },
      { path: 'at', address: 'at', comment: null },
    ])
  })

  it('walks structs in structs, and arrays of structs (OpenMetadata skips the array level, ALTER COLUMN steps through element)', () => {
    expect(fields("struct<address:struct<city:string COMMENT 'c',geo:struct<lat:double>> COMMENT 'a',items:array<struct<sku:string COMMENT 's'>>,grid:array<array<struct<v:int>>>>")).toEqual([
      { path: 'address', address: 'address', comment: 'a' },
      { path: 'address|city', address: 'address|city', comment: 'c' },
      { path: 'address|geo', address: 'address|geo', comment: null },
      { path: 'address|geo|lat', address: 'address|geo|lat', comment: null },
      { path: 'items', address: 'items', comment: null },
      { path: 'items|sku', address: 'items|[]|sku', comment: 's' },
      { path: 'grid', address: 'grid', comment: null },
      { path: 'grid|v', address: 'grid|[]|[]|v', comment: null },
    ])
  })

  it('reads backtick-quoted names with odd characters (doubled backtick, dot, colon, comma, angle brackets)', () => {
    expect(fields("struct<`a.b`:int COMMENT 'dot',`it``s`:string,`x:y, <z>`:struct<`é 🦄`:int COMMENT 'u'>>").map((f) => f.path)).toEqual(['a.b', 'it`s', 'x:y, <z>', 'x:y, <z>|é 🦄'])
  })

  it('decodes comment escapes as Databricks reads a literal, and comments holding the syntax itself', () => {
    const [a, b, c, d] = structFields(parseFullDataType(String.raw`struct<a:int COMMENT 'it\'s C:\\new\nline\ttab',b:int COMMENT "say \"hi\", <ok>",c:int COMMENT 'x>y,z:w COMMENT',d:int COMMENT ''>`))
    expect(a!.comment).toBe("it's C:\\new\nline\ttab")
    expect(b!.comment).toBe('say "hi", <ok>')
    expect(c!.comment).toBe('x>y,z:w COMMENT')
    // An empty comment is none, as revmeta reads '' everywhere on Databricks.
    expect(d!.comment).toBeNull()
  })

  it('skips what sits inside maps, and yields no fields for plain or unreadable types', () => {
    expect(fields("struct<m:map<string,struct<k:int COMMENT 'no'>> COMMENT 'm',after:int>")).toEqual([
      { path: 'm', address: 'm', comment: 'm' },
      { path: 'after', address: 'after', comment: null },
    ])
    expect(fields('string')).toEqual([])
    expect(fields('decimal(10,2)')).toEqual([])
    expect(fields('struct<a:int')).toEqual([])
    expect(fields("struct<a:int COMMENT 'open>")).toEqual([])
    expect(fields('struct<a:int> trailing')).toEqual([])
    expect(fields('struct<>')).toEqual([])
  })
})

describe('type_json parser (Unity Catalog REST)', () => {
  it('reads the StructField JSON with metadata.comment per field, arrays by elementType', () => {
    const column = {
      name: 'customer',
      type: {
        type: 'struct',
        fields: [
          { name: 'zip', type: 'string', nullable: true, metadata: { comment: 'Postal code' } },
          { name: 'orders', type: { type: 'array', elementType: { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] }, containsNull: true }, nullable: true, metadata: { comment: '' } },
          { name: 'tags', type: { type: 'map', keyType: 'string', valueType: { type: 'struct', fields: [{ name: 'x', type: 'int', metadata: {} }] } }, metadata: {} },
        ],
      },
      nullable: true,
      metadata: { comment: 'the customer' },
    }
    const read = structFields(parseTypeJson(JSON.stringify(column)))
    expect(read).toEqual([
      { path: ['zip'], address: ['zip'], comment: 'Postal code' },
      { path: ['orders'], address: ['orders'], comment: null },
      { path: ['orders', 'id'], address: ['orders', null, 'id'], comment: null },
      { path: ['tags'], address: ['tags'], comment: null },
    ])
    expect(structFields(parseTypeJson('not json'))).toEqual([])
    expect(structFields(parseTypeJson(JSON.stringify({ name: 'id', type: 'long', metadata: {} })))).toEqual([])
  })
})
