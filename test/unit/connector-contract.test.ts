import { describe, expect, it } from 'vitest'
import { compileChannelTemplates } from '../../src/channels/compile-channel-templates.js'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import { capabilitiesOf, objectTypeLevel, type Dialect, type ObjectState, type ObjectTarget, type TagChange } from '../../src/connectors/connector.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import { connectorNames, loadConnector } from '../../src/connectors/registry.js'
import { checkUnit } from '../../src/connectors/kit/sql-batch.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { Operation } from '../../src/model/operation.js'
import type { OperationReport } from '../../src/model/report.js'
import { apiStatement, displayOf, routeOf, sqlStatement, type Statement } from '../../src/model/statement.js'
import { compactReport, storedForm } from '../../src/store/store-rows.js'
import { codeOf } from '../support/results.js'

/**
 * A dialect driven through an HTTP API, with native tags at table and column level, to prove the
 * contract on an engine kind no shipped connector has yet.
 */
class ApiTestDialect implements Dialect {
  readonly name = 'api-test'
  readonly rendered: TagChange[] = []
  quoteIdentifier = (name: string) => `\`${name}\``
  quoteLiteral = (value: string) => JSON.stringify(value)
  sessionSetup = () => []
  readonly description = {
    levels: ['table', 'column'] as const,
    render: (target: ObjectTarget, value: string | null) => [apiStatement({ endpoint: 'catalog', method: 'PATCH', path: `/tables/${path(target)}`, body: { comment: value } })],
  }
  readonly tags = {
    levels: ['table', 'column'] as const,
    maxValueLength: { max: 9, unit: 'characters' as const },
    render: (target: ObjectTarget, change: TagChange) => {
      this.rendered.push(change)
      return [
        ...change.add.map((t) => apiStatement({ endpoint: 'tags', method: 'POST', path: `/entity-tags/${path(target)}`, body: { key: t.key, value: t.value } })),
        ...change.remove.map((t) => apiStatement({ endpoint: 'tags', method: 'DELETE', path: `/entity-tags/${path(target)}/${encodeURIComponent(t.key)}` })),
      ]
    },
  }
}

const path = (target: ObjectTarget) => [target.asset.database, target.asset.schema, target.asset.table, target.asset.column].filter((p) => p !== undefined).join('.')

const table: AssetRef = { level: 'table', service: 's', database: 'd', schema: 'sales', table: 'orders' }
const owners = ownerMappingSchema.parse({})
const channelWith = (templates: Record<string, string> = {}, options: Record<string, unknown> = {}): ResolvedChannel => {
  const parsed = channelSchema.parse({ name: 'c', templates, options })
  return { ...parsed, services: ['s'], compiled: compileChannelTemplates(parsed.templates, 'test') }
}
const tagsOp = (add: string[], remove: string[] = [], asset: AssetRef = table): Operation => ({
  id: 'x',
  channel: 'c',
  service: 's',
  asset,
  origins: [],
  kind: 'tags',
  add: add.map((tagFQN) => ({ tagFQN, source: 'Classification' as const })),
  remove: remove.map((tagFQN) => ({ tagFQN, source: 'Classification' as const })),
})
const snapshot = (state: ObjectState) => new Map([['s.d.sales.orders', state]])

describe('the connector contract', () => {
  it('derives capabilities from the renderers, with the documented defaults', () => {
    expect(capabilitiesOf(new ApiTestDialect())).toEqual({
      descriptionLevels: ['table', 'column'],
      ownerLevels: [],
      tagLevels: ['table', 'column'],
      ownerCardinality: 'one',
      maxDescriptionLength: {},
      emptyDescriptionIsNull: false,
      readBack: true,
      maxTagValueLength: { max: 9, unit: 'characters' },
    })
    const bare: Dialect = { name: 'bare', quoteIdentifier: (n) => n, quoteLiteral: (v) => v, sessionSetup: () => [], owners: { render: () => [] }, readBack: false }
    expect(capabilitiesOf(bare)).toMatchObject({ descriptionLevels: [], tagLevels: [], ownerLevels: ['database', 'schema', 'table'], readBack: false })
  })

  it('shows an API request as METHOD path and compact JSON, and routes it to its endpoint', () => {
    const patch = apiStatement({ endpoint: 'catalog', method: 'PATCH', path: '/tables/d.sales.orders', body: { comment: 'it\'s "new"\n' } })
    expect(displayOf(patch)).toBe('PATCH /tables/d.sales.orders {"comment":"it\'s \\"new\\"\\n"}')
    expect(displayOf(apiStatement({ endpoint: 'tags', method: 'DELETE', path: '/entity-tags/x/PII' }))).toBe('DELETE /entity-tags/x/PII')
    expect(routeOf(patch)).toBe('catalog')
    expect(routeOf(sqlStatement('shop', 'SELECT 1'))).toBe('shop')
    expect(displayOf(sqlStatement('shop', 'SELECT 1'))).toBe('SELECT 1')
  })

  it('keeps an open list of object types, each at its level', () => {
    expect(objectTypeLevel('dynamic_table')).toBe('table')
    expect(objectTypeLevel('iceberg_table')).toBe('table')
    expect(objectTypeLevel('column')).toBe('column')
    expect(objectTypeLevel('hybrid_table')).toBeUndefined()
    const external = { asset: table, objectType: 'external_table' }
    expect(codeOf(() => new PostgresDialect().renderDescription(external, 'x'))).toBe('UNSUPPORTED')
  })

  it('turns away an API request sent to an SQL connection', () => {
    const unit: Statement[] = [apiStatement({ endpoint: 'catalog', method: 'GET', path: '/x' })]
    expect(checkUnit(unit, 'catalog')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  })
})

describe('native tags', () => {
  it('renders the mapped tags to add and remove through the dialect', () => {
    const dialect = new ApiTestDialect()
    const p = prepareOperation(tagsOp(['PII.Sensitive'], ['Tier.Tier1']), dialect, owners, channelWith(), undefined)
    expect(p.outcome).toBe('ready')
    expect(dialect.rendered).toEqual([{ add: [expect.objectContaining({ key: 'PII', value: 'Sensitive' })], remove: [expect.objectContaining({ key: 'Tier', value: 'Tier1' })] }])
    expect(p.statements.map(displayOf)).toEqual(['POST /entity-tags/d.sales.orders {"key":"PII","value":"Sensitive"}', 'DELETE /entity-tags/d.sales.orders/Tier'])
  })

  it('applies the channel\'s tag mapping before the dialect sees the tags', () => {
    const dialect = new ApiTestDialect()
    const p = prepareOperation(tagsOp(['PII.Sensitive']), dialect, owners, channelWith({}, { tags: { case: 'lower' } }), undefined)
    expect(p.statements.map(displayOf)).toEqual(['POST /entity-tags/d.sales.orders {"key":"pii","value":"sensitive"}'])
  })

  it('lets a channel\'s template override the native renderer', () => {
    const dialect = new ApiTestDialect()
    const p = prepareOperation(tagsOp(['PII.Sensitive']), dialect, owners, channelWith({ tags: 'TAG {tag_key}={tag_value!r}' }), undefined)
    expect(p.statements.map(displayOf)).toEqual(["TAG PII='Sensitive'"])
    expect(dialect.rendered).toEqual([])
  })

  it('skips tags already in place and says what is there otherwise', () => {
    const dialect = new ApiTestDialect()
    const op = tagsOp(['PII.Sensitive'], ['Tier.Tier1'])
    const there = prepareOperation(op, dialect, owners, channelWith(), snapshot({ objectType: 'table', description: null, tags: [{ key: 'PII', value: 'Sensitive' }] }))
    expect(there.outcome).toBe('unchanged')
    const not = prepareOperation(op, dialect, owners, channelWith(), snapshot({ objectType: 'table', description: null, tags: [{ key: 'Tier', value: 'Tier1' }] }))
    expect(not).toMatchObject({ outcome: 'ready', desired: 'PII=Sensitive', current: 'Tier=Tier1' })
    // Inherited from a parent, a tag is neither in place on the object nor a clash with it.
    const inherited = prepareOperation(tagsOp(['PII.Sensitive']), dialect, owners, channelWith(), snapshot({ objectType: 'table', description: null, tags: [{ key: 'PII', value: 'Sensitive', inherited: true }, { key: 'PII', value: 'Public', inherited: true }] }))
    expect(inherited).toMatchObject({ outcome: 'ready', current: null })
    const clash = prepareOperation(tagsOp(['PII.Sensitive']), dialect, owners, channelWith(), snapshot({ objectType: 'table', description: null, tags: [{ key: 'PII', value: 'Public' }] }))
    expect(clash).toMatchObject({ outcome: 'failed', error: { code: 'AMBIGUOUS_TAG' } })
  })

  it('reports levels without a tag renderer unsupported, and values past the limit invalid', () => {
    const dialect = new ApiTestDialect()
    const schema: AssetRef = { level: 'schema', service: 's', database: 'd', schema: 'sales' }
    expect(prepareOperation(tagsOp(['PII.Sensitive'], [], schema), dialect, owners, channelWith(), undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'UNSUPPORTED' } })
    expect(prepareOperation(tagsOp(['PII.VerySensitive']), dialect, owners, channelWith(), undefined)).toMatchObject({ outcome: 'failed', error: { code: 'VALUE_INVALID' } })
  })

  it('is unsupported on every shipped engine without a tags renderer, and rendered natively on those with one', async () => {
    // The least connection each engine accepts: most need none, Snowflake an account and a login.
    const minimal: Record<string, unknown> = { snowflake: { account: 'acct', username: 'u', password: 'p' }, athena: { region: 'eu-west-1' }, bigquery: { projectId: 'p' }, oracle: { serviceName: 'XE' } }
    for (const name of ['databricks', 'unity-catalog']) minimal[name] = { host: 'https://dbc.example', token: 't', warehouseId: 'w' }
    const native: string[] = []
    expect(connectorNames.length).toBeGreaterThan(0)
    for (const name of connectorNames) {
      const connector = (await loadConnector(name))!
      const dialect = connector.createDialect(connector.connectionSchema.parse(minimal[name] ?? {}))
      const p = prepareOperation(tagsOp(['PII.Sensitive']), dialect, owners, channelWith(), undefined)
      if (dialect.tags === undefined) {
        expect(capabilitiesOf(dialect).tagLevels, name).toEqual([])
        expect(p.outcome, name).toBe('unsupported')
      } else {
        native.push(name)
        expect(capabilitiesOf(dialect).tagLevels, name).toContain('table')
        expect(p.outcome, name).not.toBe('unsupported')
      }
    }
    // Oracle writes annotations only once the server's version says it can (none offline here).
    expect(native.sort()).toEqual(['athena', 'bigquery', 'databricks', 'mssql', 'snowflake', 'unity-catalog'])
  })
})

describe('reports keep statements structured', () => {
  it('stores the structured statements once and gives back the display texts', () => {
    const statements = [apiStatement({ endpoint: 'catalog', method: 'PATCH', path: '/t', body: { comment: 'x' } }), sqlStatement('d', "COMMENT ON TABLE t IS 'x'")]
    const op = tagsOp(['PII.Sensitive'])
    const report: OperationReport = {
      id: op.id, channel: op.channel, service: op.service, asset: 'other.asset', level: 'table', kind: 'tags', status: 'applied',
      statements: statements.map(displayOf), statementDetails: statements, warnings: [], origins: [],
    }
    const compact = compactReport(report, op)
    expect(compact.statements).toBeUndefined()
    expect(compact.statementDetails).toEqual(statements)
    expect(storedForm(report, op)).toEqual(report)
  })
})
