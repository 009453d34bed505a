import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { normalizePipeline } from '../../src/inputs/normalize-pipeline.js'

const load = (channels: unknown[]) =>
  resolveConfig({ services: [{ name: 'warehouse', type: 'postgres', connection: {} }, { name: 'lake', type: 'postgres', connection: {} }], channels }, { source: 'revmeta.yaml', baseDir: '/tmp', env: {} })

const service = { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', type: 'databaseService', name: 'warehouse', fullyQualifiedName: 'warehouse' }

describe('a channel written as OpenMetadata\'s ReverseMetadata configuration', () => {
  it('becomes a channel key by key, with the schema\'s defaults and nulls for absent patterns', async () => {
    const config = await load([{ type: 'ReverseMetadata', syncOwners: true, databaseFilterPattern: null, schemaFilterPattern: { includes: null, excludes: ['^tmp'] }, useFqnForFiltering: null, service, operations: [] }])
    expect(config.channels).toHaveLength(1)
    expect(config.channels[0]).toMatchObject({
      name: 'reverse-metadata-warehouse',
      services: ['warehouse'],
      sync: { descriptions: true, tags: true, owners: true },
      filter: { schemaFilterPattern: { excludes: ['^tmp'] }, useFqnForFiltering: false },
    })
    expect(config.channels[0]!.filter).not.toHaveProperty('databaseFilterPattern')
  })

  it('keeps revmeta\'s own keys beside OpenMetadata\'s: name, services, filter, templates, options', async () => {
    const config = await load([
      { type: 'ReverseMetadata', name: 'om', services: ['lake'], syncTags: false, tableFilterPattern: { includes: ['orders'] }, filter: { levels: ['table'], tagStates: ['Suggested'] }, options: { descriptionFormat: 'plain' } },
    ])
    expect(config.channels[0]).toMatchObject({
      name: 'om',
      services: ['lake'],
      sync: { descriptions: true, tags: false, owners: false },
      filter: { levels: ['table'], tagStates: ['Suggested'], tableFilterPattern: { includes: ['orders'] } },
      options: { descriptionFormat: 'plain' },
    })
  })

  it('refuses, naming the key, a typo, a pattern that does not compile, operations, or a service that is not configured', async () => {
    const refused = async (channel: Record<string, unknown>) => (await load([{ type: 'ReverseMetadata', ...channel }]).then(() => undefined, (e: Error) => e))?.message ?? ''
    expect(await refused({ syncTag: true })).toMatch(/channels\[0\].*syncTag/s)
    expect(await refused({ tableFilterPattern: { includes: ['(unclosed'] } })).toMatch(/channels\[0\]\.filter\.tableFilterPattern\.includes\[0\].*not valid/s)
    expect(await refused({ operations: [{ id: 'x' }] })).toMatch(/channels\[0\]\.operations: a channel has no operations/)
    expect(await refused({ service: { id: 'x', type: 'databaseService', name: 'nowhere' } })).toMatch(/no service named "nowhere"/)
    expect(await refused({ syncDescriptions: 'yes' })).toMatch(/channels\[0\]\.syncDescriptions/)
  })
})

describe('pipelines in OpenMetadata\'s wrappers, hostile forms', () => {
  const op = { id: 'op-1', entityLink: '<#E::table::warehouse.shop.public.orders::description>', type: 'UPDATE_DESCRIPTION', parameters: { newDescription: 'x' } }

  it('refuses a wrapper that holds no pipeline, or a bad one, with a code naming the field, and plans nothing', () => {
    const cases: [unknown, RegExp][] = [
      [{ workflowType: 'REVERSE_INGESTION' }, /field request/],
      [{ workflowType: 'REVERSE_INGESTION', request: 'text' }, /field request/],
      [{ workflowType: 'TEST_CONNECTION', request: { type: 'ReverseIngestion', operations: [op] } }, /field workflowType/],
      [{ type: 'ReverseMetadata', syncTags: 'no', operations: [op] }, /field syncTags/],
      [{ type: 'ReverseMetadata', tableFilterPattern: { includes: ['(bad'] }, operations: [op] }, /filter patterns do not compile/],
      [[op], /not a JSON object/],
    ]
    for (const [json, message] of cases) {
      const result = normalizePipeline(json)
      expect(result.changes, JSON.stringify(json)).toEqual([])
      expect(result.errors.map((e) => e.code), JSON.stringify(json)).toEqual(['INPUT_MALFORMED'])
      expect(result.errors[0]!.message, JSON.stringify(json)).toMatch(message)
    }
  })

  it('reads a ReverseMetadata pipeline with no operations (the handler had none) as nothing to do, without error', () => {
    const result = normalizePipeline({ type: 'ReverseMetadata', service, operations: null })
    expect(result).toMatchObject({ changes: [], errors: [], items: 0 })
  })

  it('unwraps a Workflow around an IngestionPipeline-less ReverseMetadata request too, applying its toggles', () => {
    const result = normalizePipeline({ workflowType: 'REVERSE_INGESTION', request: { type: 'ReverseMetadata', syncDescriptions: false, service, operations: [op] } })
    expect(result).toMatchObject({ changes: [], errors: [], items: 1, ignored: { 'syncDescriptions: false': 1 } })
  })
})
