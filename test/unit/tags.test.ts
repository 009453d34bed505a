import { describe, expect, it } from 'vitest'
import { findAmbiguousTag } from '../../src/tags/find-ambiguous-tag.js'
import { mapTag, type EngineTag } from '../../src/tags/map-tag.js'
import { tagMappingSchema } from '../../src/tags/tag-mapping-schema.js'

const mapping = (m: unknown = {}) => tagMappingSchema.parse(m)
const label = (tagFQN: string, source: 'Classification' | 'Glossary' = 'Classification') => ({ tagFQN, source })
const tag = (key: string, value: string): EngineTag => ({ key, value, tagFQN: `${key}.${value}` })

describe('mapTag', () => {
  it('maps classification to key and tag name to value, as OpenMetadata does', () => {
    expect(mapTag(label('PII.Sensitive'), mapping())).toEqual({ key: 'PII', value: 'Sensitive', tagFQN: 'PII.Sensitive' })
    expect(mapTag(label('Org.Team.Data'), mapping())).toMatchObject({ key: 'Org', value: 'Team.Data' })
    expect(mapTag(label('"Data.Domain".Sales'), mapping())).toMatchObject({ key: 'Data.Domain', value: 'Sales' })
  })

  it('drops glossary terms unless enabled, and classifications a rule skips', () => {
    expect(mapTag(label('Business.Revenue', 'Glossary'), mapping())).toBeUndefined()
    expect(mapTag(label('Business.Revenue', 'Glossary'), mapping({ glossary: true }))).toMatchObject({ key: 'Business', value: 'Revenue' })
    expect(mapTag(label('Tier.Tier1'), mapping({ rules: [{ classification: 'Tier', skip: true }] }))).toBeUndefined()
  })

  it('renames, changes case, replaces characters and shortens, in that order', () => {
    const m = mapping({ rules: [{ classification: 'PII', rename: 'Privacy Class' }], case: 'lower', replacements: [{ pattern: '[^a-z0-9_]', with: '_' }], maxKeyLength: 7, maxValueLength: 4 })
    expect(mapTag(label('PII.Highly-Sensitive'), m)).toMatchObject({ key: 'privacy', value: 'high' })
  })
})

describe('findAmbiguousTag', () => {
  it('refuses a second value of one key in the same batch, and names both', () => {
    expect(findAmbiguousTag([tag('PII', 'Sensitive'), tag('PII', 'None')], [], undefined)).toMatchObject({
      key: 'PII',
      adding: { value: 'None' },
      existing: { value: 'Sensitive' },
      where: 'batch',
    })
  })

  it('refuses a value that would overwrite another one already in the source', () => {
    expect(findAmbiguousTag([tag('PII', 'None')], [], [{ key: 'PII', value: 'Sensitive' }])).toMatchObject({ where: 'source', existing: { value: 'Sensitive' } })
  })

  it('allows replacing when the old tag is removed in the same operation, and re-adding the same tag', () => {
    expect(findAmbiguousTag([tag('PII', 'None')], [tag('PII', 'Sensitive')], [{ key: 'PII', value: 'Sensitive' }])).toBeUndefined()
    expect(findAmbiguousTag([tag('PII', 'Sensitive')], [], [{ key: 'PII', value: 'Sensitive' }])).toBeUndefined()
    expect(findAmbiguousTag([tag('PII', 'Sensitive'), tag('Tier', 'Tier1')], [], [])).toBeUndefined()
  })
})
