import { describe, expect, it } from 'vitest'
import { capabilitiesOf, type ApiStatement, type ObjectTarget } from '../../src/connectors/connector.js'
import { athenaConnector } from '../../src/connectors/athena/index.js'
import { AthenaDialect } from '../../src/connectors/athena/athena-dialect.js'
import { databaseDefinition, tableDefinition } from '../../src/connectors/athena/athena-definition.js'
import { applyChanges, changesBetween, rebaseChanges } from '../../src/connectors/athena/athena-edit.js'
import { tableInputOf } from '../../src/connectors/athena/athena-glue-input.js'
import type { AssetRef } from '../../src/model/asset.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { ordersTable, salesDatabase } from '../support/glue-tables.js'

const dialect = new AthenaDialect()
const asset = (level: AssetRef['level'], table?: string, column?: string): AssetRef => ({
  level,
  service: 'ath',
  database: 'awsdatacatalog',
  ...(level !== 'database' ? { schema: 'sales' } : {}),
  ...(table !== undefined ? { table } : {}),
  ...(column !== undefined ? { column } : {}),
})
const offline = (level: AssetRef['level'], table?: string, column?: string): ObjectTarget => ({ asset: asset(level, table, column), objectType: level })
const read = { ...ordersTable, DatabaseName: 'sales', CatalogId: '123456789012', VersionId: '7', CreateTime: new Date(1_700_000_000_000), IsRegisteredWithLakeFormation: false, LastAccessTime: new Date(1_700_000_100_000) }
const online = (level: 'table' | 'column', column?: string): ObjectTarget => ({ asset: asset(level, 'orders', column), objectType: level === 'table' ? 'external_table' : 'column', definition: tableDefinition(read) })
const only = (statements: unknown[]): ApiStatement => {
  expect(statements).toHaveLength(1)
  return statements[0] as ApiStatement
}

describe('offline: the changed fields alone, shown as POST AWSGlue.<Action> {body}', () => {
  it('a table description sets Description and Parameters.comment', () => {
    expect(only(dialect.description.render(offline('table', 'orders'), 'Orders')).display).toBe(
      'POST AWSGlue.UpdateTable {"DatabaseName":"sales","Name":"orders","SkipArchive":true,"TableInput":{"Name":"orders","Description":"Orders","Parameters":{"comment":"Orders"}}}',
    )
  })

  it('a removed description is null; a column comment, a column tag, the owner, a database description', () => {
    expect(only(dialect.description.render(offline('table', 'orders'), null)).display).toContain('"TableInput":{"Name":"orders","Description":null,"Parameters":{"comment":null}}')
    expect(only(dialect.description.render(offline('column', 'orders', 'id'), 'Key')).display).toContain('"TableInput":{"Name":"orders","StorageDescriptor":{"Columns":[{"Name":"id","Comment":"Key"}]}}')
    expect(only(dialect.tags.render(offline('column', 'orders', 'id'), { add: [{ key: 'PII', value: 'Sensitive' }], remove: [{ key: 'Old', value: 'x' }] })).display).toContain(
      '"Columns":[{"Name":"id","Parameters":{"openmetadata.tag.PII":"Sensitive","openmetadata.tag.Old":null}}]',
    )
    expect(only(dialect.owners.render(offline('table', 'orders'), 'marta')).display).toContain('"TableInput":{"Name":"orders","Owner":"marta"}')
    expect(only(dialect.description.render(offline('schema'), 'Lake')).display).toBe('POST AWSGlue.UpdateDatabase {"Name":"sales","DatabaseInput":{"Name":"sales","Description":"Lake"}}')
  })

  it('sends CatalogId and uses the configured tag prefix when the connection says so', () => {
    const connection = athenaConnector.connectionSchema.parse({ region: 'eu-west-1', catalogId: '123456789012', tagPrefix: 'om:' })
    const configured = athenaConnector.createDialect(connection) as AthenaDialect
    expect(only(configured.tags.render(offline('table', 'orders'), { add: [{ key: 'Tier', value: 'Gold' }], remove: [] })).body).toEqual({
      CatalogId: '123456789012',
      DatabaseName: 'sales',
      Name: 'orders',
      SkipArchive: true,
      TableInput: { Name: 'orders', Parameters: { 'om:Tier': 'Gold' } },
    })
  })
})

describe('online: the complete input made from the read', () => {
  it('carries every TableInput field, timestamps as epoch seconds, read-only fields stripped, the VersionId read', () => {
    const body = only(dialect.description.render(online('column', 'dt'), 'Load date')).body as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['DatabaseName', 'Name', 'SkipArchive', 'VersionId', 'TableInput'])
    expect(body.VersionId).toBe('7')
    const input = body.TableInput as Record<string, unknown>
    expect(input).not.toHaveProperty('DatabaseName')
    expect(input).not.toHaveProperty('CreateTime')
    expect(input).not.toHaveProperty('CatalogId')
    expect(input.LastAccessTime).toBe(1_700_000_100)
    expect(input).toEqual({ ...ordersTable, PartitionKeys: [{ Name: 'dt', Type: 'string', Comment: 'Load date' }, (ordersTable.PartitionKeys as unknown[])[1]] })
  })

  it('a tag removal takes the key only while it holds the removed value', () => {
    const keeps = only(dialect.tags.render(online('table'), { add: [], remove: [{ key: 'PII', value: 'Other' }] })).body as { TableInput: { Parameters: Record<string, string> } }
    expect(keeps.TableInput.Parameters['openmetadata.tag.PII']).toBe('None')
    const takes = only(dialect.tags.render(online('table'), { add: [], remove: [{ key: 'PII', value: 'None' }] })).body as { TableInput: { Parameters: Record<string, string> } }
    expect(takes.TableInput.Parameters).not.toHaveProperty('openmetadata.tag.PII')
  })

  it('a database update restates LocationUri, Parameters and CreateTableDefaultPermissions', () => {
    const target = { asset: asset('schema'), objectType: 'schema', definition: databaseDefinition({ ...salesDatabase, CreateTime: new Date(), CatalogId: '1' }) }
    expect(only(dialect.description.render(target, 'New')).body).toEqual({ Name: 'sales', DatabaseInput: { ...salesDatabase, Description: 'New' } })
  })

  it('multi-dialect views, federated, governed tables and materialized views are unsupported', () => {
    for (const extra of [{ IsMultiDialectView: true }, { FederatedTable: { Identifier: 'x' } }, { TableType: 'GOVERNED' }, { IsMaterializedView: true }]) {
      const target = { asset: asset('table', 'orders'), objectType: 'table', definition: tableDefinition({ ...read, ...extra }) }
      expect(() => dialect.description.render(target, 'x'), JSON.stringify(extra)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
    }
  })
})

describe('what Glue cannot hold is refused with a code before anything is sent', () => {
  it('column comments: line breaks and control characters but tab, NUL, lone surrogates; past 255 characters', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\u0001b', 'a\u0000b', 'half \uD800', '\uFFFE']) {
      expect(() => dialect.description.render(offline('column', 'orders', 'id'), bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }))
    }
    expect(() => dialect.description.render(offline('column', 'orders', 'id'), 'é'.repeat(256))).toThrow(expect.objectContaining({ code: 'VALUE_TOO_LONG' }))
    expect(only(dialect.description.render(offline('column', 'orders', 'id'), '🦄'.repeat(255))).body).toBeDefined()
  })

  it('descriptions take line breaks and tabs, and every hostile string of the suite but NUL as it is', () => {
    for (const [name, text] of Object.entries({ ...hostileBase, mixedUnicode })) {
      if (name === 'big') continue
      const body = only(dialect.description.render(offline('table', 'orders'), text)).body as { TableInput: { Description: string } }
      expect(body.TableInput.Description, name).toBe(text)
    }
    expect(() => dialect.description.render(offline('table', 'orders'), 'x\u0000')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }))
  })

  it('owners are single-line; tag keys past 255 characters are NAME_TOO_LONG', () => {
    expect(() => dialect.owners.render(offline('table', 'orders'), 'a\nb')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }))
    expect(() => dialect.tags.render(offline('table', 'orders'), { add: [{ key: 'k'.repeat(250), value: 'v' }], remove: [] })).toThrow(expect.objectContaining({ code: 'NAME_TOO_LONG' }))
  })

  it('capabilities follow the renderers: no database level (the Data Catalog), owners on tables only, limits per level', () => {
    expect(capabilitiesOf(dialect)).toMatchObject({
      descriptionLevels: ['schema', 'table', 'column'],
      tagLevels: ['schema', 'table', 'column'],
      ownerLevels: ['table'],
      maxDescriptionLength: { schema: { max: 2048, unit: 'characters' }, table: { max: 2048, unit: 'characters' }, column: { max: 255, unit: 'characters' } },
    })
  })
})

describe('changes carried onto another read', () => {
  const base = tableInputOf(ordersTable)

  it('tells the change from the rest, and refuses a request that was not made from the base', () => {
    const next = applyChanges(base, [{ path: ['column', 'region', 'Comment'], value: 'Region' }])
    expect(changesBetween(base, next)).toEqual([{ path: ['column', 'region', 'Comment'], value: 'Region', was: undefined }])
    expect(() => changesBetween(base, { ...next, Retention: 9 })).toThrow(expect.objectContaining({ code: 'CONCURRENT_MODIFICATION' }))
    expect(() => changesBetween(base, { Name: 'orders', Description: 'partial' })).toThrow(expect.objectContaining({ code: 'CONCURRENT_MODIFICATION' }))
  })

  it('sets what the catalog wants on the fresh read, removes a field only while it holds what was read, keeps the other writer\'s fields', () => {
    const next = applyChanges(base, [
      { path: ['Owner'], value: 'marta' },
      { path: ['Parameters', 'openmetadata.tag.PII'], value: undefined },
    ])
    const changes = changesBetween(base, next)
    const fresh = applyChanges(base, [
      { path: ['Parameters', 'openmetadata.tag.PII'], value: 'Changed meanwhile' },
      { path: ['Parameters', 'spark.written'], value: 'yes' },
    ])
    const rebased = rebaseChanges(fresh, changes)
    expect(rebased.Owner).toBe('marta')
    expect(rebased.Parameters).toMatchObject({ 'openmetadata.tag.PII': 'Changed meanwhile', 'spark.written': 'yes' })
  })

  it('a column the other writer dropped is OBJECT_NOT_FOUND, not re-created', () => {
    const changes = changesBetween(base, applyChanges(base, [{ path: ['column', 'amount', 'Comment'], value: 'x' }]))
    const fresh = structuredClone(base)
    ;(fresh.StorageDescriptor as { Columns: unknown[] }).Columns.pop()
    expect(() => rebaseChanges(fresh, changes)).toThrow(expect.objectContaining({ code: 'OBJECT_NOT_FOUND' }))
  })
})
