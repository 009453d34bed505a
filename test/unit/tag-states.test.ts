import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { planInput } from '../../src/engine/plan-input.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { TagsOperation } from '../../src/model/operation.js'
import { changeEvent, json } from '../support/om-events.js'

const config = (filter?: unknown) =>
  resolveConfig(
    { services: [{ name: 'svc', type: 'postgres', connection: {} }], channels: [{ name: 'tags', sync: { descriptions: true, tags: true }, ...(filter ? { filter } : {}) }] },
    { source: 'test', baseDir: '/tmp', env: {} },
  )

const label = (tagFQN: string, state?: string) => ({ tagFQN, source: 'Classification', labelType: 'Automated', ...(state === undefined ? {} : { state }) })
const event = changeEvent('table', 'svc.db.sales.orders', {
  added: [{ name: 'tags', newValue: json([label('PII.Sensitive', 'Suggested'), label('Tier.Tier1', 'Confirmed'), label('Team.Sales')]) }],
  deleted: [{ name: 'columns.email.tags', oldValue: json([label('PII.Email', 'Suggested')]) }],
})

async function plan(filter?: unknown) {
  const normalized = normalizeChangeEvents([event])
  return planInput(await config(filter), { items: 1, normalized })
}

const tagsOf = (op: unknown) => {
  const t = op as TagsOperation
  return { add: t.add.map((x) => x.tagFQN), remove: t.remove.map((x) => x.tagFQN) }
}

describe('filter.tagStates', () => {
  it('pushes confirmed tags only by default, a label without a state counting as confirmed, and counts what it left out', async () => {
    const planned = await plan()
    expect(planned.operations.map(tagsOf)).toEqual([{ add: ['Tier.Tier1', 'Team.Sales'], remove: [] }])
    // The removal of a suggestion is left out too: the column's tags change is gone, and counted.
    expect(planned.ignored).toMatchObject({ 'tag state Suggested (not in filter.tagStates of channel tags)': 2, 'filtered out by every channel (tags)': 1 })
  })

  it('takes suggestions when the channel lists them, for adds and removes alike', async () => {
    const planned = await plan({ tagStates: ['Confirmed', 'Suggested'] })
    expect(planned.operations.map(tagsOf)).toEqual([
      { add: ['PII.Sensitive', 'Tier.Tier1', 'Team.Sales'], remove: [] },
      { add: [], remove: ['PII.Email'] },
    ])
    expect(Object.keys(planned.ignored).filter((k) => k.startsWith('tag state'))).toEqual([])
  })

  it('can be narrowed to suggestions alone (a review channel), which leaves out unstated labels as confirmed', async () => {
    const planned = await plan({ tagStates: ['Suggested'] })
    expect(planned.operations.map(tagsOf)).toEqual([
      { add: ['PII.Sensitive'], remove: [] },
      { add: [], remove: ['PII.Email'] },
    ])
    expect(planned.ignored['tag state Confirmed (not in filter.tagStates of channel tags)']).toBe(2)
  })

  it('refuses an empty list or a state OpenMetadata does not have, when the config loads', async () => {
    await expect(config({ tagStates: [] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
    await expect(config({ tagStates: ['Pending'] })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('tagStates') })
  })
})
