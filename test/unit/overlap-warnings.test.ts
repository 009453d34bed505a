import { describe, expect, it } from 'vitest'
import { overlapWarnings } from '../../src/channels/overlap-warnings.js'
import { channelSchema } from '../../src/config/config-schema.js'

const channel = (c: Record<string, unknown>) => ({ ...channelSchema.parse(c), services: (c.services as string[]) ?? ['a'] })

describe('overlapWarnings', () => {
  it('is silent for channels that split the kinds or the services between them', () => {
    expect(overlapWarnings([channel({ name: 'd', sync: { tags: false } }), channel({ name: 't', sync: { descriptions: false } })])).toEqual([])
    expect(overlapWarnings([channel({ name: 'x' }), channel({ name: 'y', services: ['b'] })])).toEqual([])
    expect(overlapWarnings([channel({ name: 'x', filter: { levels: ['table'] } }), channel({ name: 'y', filter: { levels: ['column'] } })])).toEqual([])
  })

  it('names channels that would write the same edit twice, and says when they differ', () => {
    const same = overlapWarnings([channel({ name: 'x', sync: { tags: false } }), channel({ name: 'y', sync: { tags: false } })])
    expect(same).toEqual([expect.stringMatching(/x and y overlap on service a .* both sync descriptions: an edit matching both is written twice$/)])
    const differ = overlapWarnings([
      channel({ name: 'x', sync: { descriptions: false } }),
      channel({ name: 'y', sync: { descriptions: false }, templates: { tags: 'SELECT {tag_key}' } }),
    ])
    expect(differ).toEqual([expect.stringMatching(/both sync tags with different SQL or options/)])
  })
})
