import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { assetFromEntity, columnAsset } from '../../src/model/asset-from-fqn.js'
import type { AssetRef } from '../../src/model/asset.js'
import { buildEntityLink, parseEntityLink } from '../../src/model/entity-link.js'

function errorOf(fn: () => unknown): RevmetaError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(RevmetaError)
    return error as RevmetaError
  }
  throw new Error('expected an error')
}

const table: AssetRef = { level: 'table', service: 'svc', database: 'db', schema: 'sch', table: 'tbl' }

describe('parseEntityLink', () => {
  it('reads a table description link', () => {
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::description>')).toEqual({
      entityType: 'table',
      fqn: 'svc.db.sch.tbl',
      asset: table,
      field: 'description',
    })
  })

  it('reads a column link as a column asset', () => {
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::col1::description>')).toEqual({
      entityType: 'table',
      fqn: 'svc.db.sch.tbl',
      asset: { ...table, level: 'column', column: 'col1' },
      field: 'columns',
      column: 'col1',
      columnField: 'description',
    })
  })

  it('unquotes quoted table and column names holding dots', () => {
    const link = parseEntityLink('<#E::table::svc.db.sch."my.tbl"::columns::"a.b"::tags>')
    expect(link.asset).toEqual({ level: 'column', service: 'svc', database: 'db', schema: 'sch', table: 'my.tbl', column: 'a.b' })
    expect(link.columnField).toBe('tags')
  })

  it('maps databaseSchema and database links to their levels', () => {
    expect(parseEntityLink('<#E::databaseSchema::svc.db.sch::tags>').asset).toEqual({ level: 'schema', service: 'svc', database: 'db', schema: 'sch' })
    expect(parseEntityLink('<#E::database::svc.db::owner>')).toMatchObject({ asset: { level: 'database', service: 'svc', database: 'db' }, field: 'owner' })
  })

  it('accepts a link without a field, and names with single colons', () => {
    expect(parseEntityLink('<#E::table::svc.db.sch.a:b>').asset.table).toBe('a:b')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::t:1>').asset.column).toBe('t:1')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns>')).toMatchObject({ asset: table, field: 'columns' })
  })

  it.each([
    ['svc.db.sch.tbl', 'no <#E:: wrapper'],
    ['<#E::table::svc.db.sch.tbl::description', 'no closing >'],
    ['<#E::table>', 'no FQN'],
    ['<#E::table::svc.db.sch.t>::description>', "a name ending in '>'"],
    ['<#E::table::svc.db.sch.tbl::columns::c1>>', "a column ending in '>'"],
    ['<#E::table::svc.db.sch.tbl:::description>', 'a ::: run'],
    ['<#E::table::::description>', 'an empty FQN'],
    ['<#E::dashboard::superset.sales>', 'an entity type without reverse metadata'],
    ['<#E::databaseSchema::svc.db.sch::columns::c1::description>', 'columns on a schema'],
    ['<#E::table::svc.db.sch.tbl::description::extra>', 'a name after a plain field'],
    ['<#E::table::svc.db.sch.tbl::columns::c1::description::x>', 'too many parts'],
    ['<#E::table::svc.db.sch.tbl::columns::"a.b::tags>', 'an unbalanced quote in the column'],
  ])('refuses %j (%s) with ENTITY_LINK_INVALID', (link) => {
    const error = errorOf(() => parseEntityLink(link))
    expect(error.code).toBe('ENTITY_LINK_INVALID')
    expect(error.details.link).toBe(link)
  })

  it('lets FQN errors through with their own code', () => {
    expect(errorOf(() => parseEntityLink('<#E::table::svc.db.tbl::description>')).code).toBe('FQN_INVALID')
    expect(errorOf(() => parseEntityLink('<#E::table::svc.db."sch.tbl::description>')).code).toBe('FQN_INVALID')
  })

  it("reads names holding '>' (both EntityLink.g4 versions allow one inside a name)", () => {
    expect(parseEntityLink('<#E::table::svc.db.sch.t>x::description>').asset.table).toBe('t>x')
    expect(parseEntityLink('<#E::table::svc.db.sch.a->b::columns::x>y::tags>').asset).toMatchObject({ table: 'a->b', column: 'x>y' })
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::>x::tags>').asset.column).toBe('>x')
  })

  it("decodes URL-encoded column names as OpenMetadata's get_decoded_column does (unquote_plus)", () => {
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::first%20name::description>').asset.column).toBe('first name')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::first+name>').asset.column).toBe('first name')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::%E9%9A%8F%E6%9C%BA%E7%9A%84>').asset.column).toBe('随机的')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::%22a.b%22::tags>').asset.column).toBe('a.b')
    // Not UTF-8, or not an escape at all: kept as written rather than replaced.
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::a%FFb>').asset.column).toBe('a%FFb')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::100%zz>').asset.column).toBe('100%zz')
  })

  it('reads a double quote in a column name, bare or escaped inside quotes', () => {
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::a"b::description>').asset.column).toBe('a"b')
    expect(parseEntityLink('<#E::table::svc.db.sch.tbl::columns::"a.\\"b\\""::description>').asset.column).toBe('a."b"')
    expect(parseEntityLink('<#E::table::svc.db.sch.say \\"hi\\"::description>').asset.table).toBe('say "hi"')
  })
})

describe('buildEntityLink', () => {
  it('builds the links OpenMetadata writes, quoting names with dots', () => {
    expect(buildEntityLink(table, 'description')).toBe('<#E::table::svc.db.sch.tbl::description>')
    expect(buildEntityLink({ level: 'schema', service: 'svc', database: 'db', schema: 'sch' }, 'tags')).toBe('<#E::databaseSchema::svc.db.sch::tags>')
    expect(buildEntityLink({ level: 'database', service: 'svc', database: 'db' })).toBe('<#E::database::svc.db>')
    expect(buildEntityLink({ ...table, table: 'my.tbl', level: 'column', column: 'a.b' }, 'tags')).toBe('<#E::table::svc.db.sch."my.tbl"::columns::"a.b"::tags>')
  })

  it('round-trips through parseEntityLink', () => {
    const assets: AssetRef[] = [
      table,
      { ...table, level: 'column', column: 'naïve col' },
      { level: 'column', service: 's v c', database: 'd.b', schema: 'a:b', table: 't', column: 'x.y.z' },
      { level: 'schema', service: 'svc', database: 'db', schema: 'sch' },
      { level: 'database', service: 'svc', database: 'db' },
      { ...table, level: 'column', column: 'say "hi" \\ 100% a+b x:y z>' },
      { ...table, table: 'a>b', level: 'column', column: '"q.d"' },
      { ...table, level: 'column', column: '"x' },
      { ...table, level: 'column', column: 'a\\"b' },
    ]
    for (const asset of assets) expect(parseEntityLink(buildEntityLink(asset, 'description')).asset).toEqual(asset)
  })

  it('round-trips any column name, whatever it holds (property)', () => {
    const alphabet = fc.constantFrom('a', '.', '"', '\\', ':', '>', '%', '+', ' ', '2', '0', 'é', '🎉', "'")
    const name = fc.array(alphabet, { minLength: 1, maxLength: 10 }).map((cs) => cs.join(''))
    fc.assert(
      fc.property(name, (column) => {
        const asset: AssetRef = { ...table, level: 'column', column }
        expect(parseEntityLink(buildEntityLink(asset, 'tags')).asset).toEqual(asset)
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses names a link cannot carry', () => {
    expect(errorOf(() => buildEntityLink({ ...table, table: 'a::b' })).code).toBe('ENTITY_LINK_INVALID')
    expect(errorOf(() => buildEntityLink({ ...table, table: 'ab>' })).code).toBe('ENTITY_LINK_INVALID')
    expect(errorOf(() => buildEntityLink({ ...table, table: 'a:' })).code).toBe('ENTITY_LINK_INVALID')
    // A column's ':' and '>' are URL-encoded, so any column name has a link.
    expect(buildEntityLink({ ...table, level: 'column', column: 'c:' })).toBe('<#E::table::svc.db.sch.tbl::columns::c%3A>')
  })
})

describe('assetFromEntity / columnAsset', () => {
  it('returns undefined for entity types without reverse metadata', () => {
    expect(assetFromEntity('dashboard', 'superset.sales')).toBeUndefined()
  })

  it('checks the part count and names the FQN', () => {
    const error = errorOf(() => assetFromEntity('table', 'svc.db.sch.orders.extra'))
    expect(error.code).toBe('FQN_INVALID')
    expect(error.details.fqn).toBe('svc.db.sch.orders.extra')
    expect(error.message).toContain('svc.db.sch.orders.extra')
    expect(errorOf(() => assetFromEntity('database', 'svc')).code).toBe('FQN_INVALID')
    expect(errorOf(() => assetFromEntity('databaseSchema', 'svc.db.sch.x')).code).toBe('FQN_INVALID')
  })

  it('makes columns only of tables', () => {
    expect(columnAsset(table, 'c1')).toEqual({ ...table, level: 'column', column: 'c1' })
    expect(errorOf(() => columnAsset({ level: 'schema', service: 's', database: 'd', schema: 'x' }, 'c1')).code).toBe('FQN_INVALID')
    expect(errorOf(() => columnAsset(table, '')).code).toBe('FQN_INVALID')
    expect(columnAsset(table, 'a"b').column).toBe('a"b')
  })
})
