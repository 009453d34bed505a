import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { planInput } from '../../src/engine/plan-input.js'
import { prefetchOwners } from '../../src/engine/prefetch-owners.js'
import { planEventStream } from '../../src/engine/plan-event-stream.js'
import { Readable } from 'node:stream'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { OwnerRef } from '../../src/model/change.js'
import type { OwnersOperation } from '../../src/model/operation.js'
import { cachedDirectory, type OwnerDirectory } from '../../src/owners/owner-directory.js'
import { changeEvent, json } from '../support/om-events.js'

const config = await resolveConfig(
  { services: [{ name: 'svc', type: 'postgres', connection: {} }], channels: [{ name: 'all', sync: { descriptions: true, tags: true, owners: true } }] },
  { source: 'test', baseDir: '/tmp', env: {} },
)
const ann = '0b6f7c52-1e9a-4c55-9d8e-2f3a4b5c6d7e'
const finance = '7d1c0f4e-8a2b-4c3d-9e0f-1a2b3c4d5e6f'
const gone = '11111111-2222-4333-8444-555555555555'

/** A catalog with one user and one team; counts what it is asked. */
function directory(fail?: string): OwnerDirectory & { asked: string[] } {
  const asked: string[] = []
  const known: Record<string, OwnerRef> = { [`user:${ann}`]: { type: 'user', name: 'ann', email: 'ann@example.com', id: ann }, [`team:${finance}`]: { type: 'team', name: 'Finance', id: finance } }
  return {
    asked,
    async findOwner(type, id) {
      asked.push(`${type}:${id}`)
      if (fail) throw new RevmetaError('CATALOG_UNREACHABLE', fail)
      return known[`${type}:${id}`]
    },
  }
}

// All entityReference.json requires: id and type.
const idOnly = (type: string, id: string) => ({ id, type })
const event = (owners: unknown[]) =>
  changeEvent('table', 'svc.db.sales.orders', {
    updated: [{ name: 'description', oldValue: 'a', newValue: 'b' }],
    added: [{ name: 'owners', newValue: json(owners) }],
  })

async function plan(events: unknown[], dir: OwnerDirectory | undefined) {
  const normalized = normalizeChangeEvents(events)
  expect(normalized.errors).toEqual([])
  return planInput(config, { items: events.length, normalized, owners: await prefetchOwners(config, normalized.changes, dir) })
}

describe('owner references with only id and type', () => {
  it('are named from the catalog (name, e-mail, FQN), each id asked once per run', async () => {
    const dir = directory()
    const planned = await plan([event([idOnly('user', ann), idOnly('team', finance)]), event([idOnly('user', ann)])], cachedDirectory(dir))
    const owners = planned.operations.find((o) => o.kind === 'owners') as OwnersOperation
    // The second event adds ann again, so she is the latest item (planner order).
    expect(owners.add.map((o) => [o.type, o.name, o.email, o.id])).toEqual([
      ['team', 'Finance', undefined, finance],
      ['user', 'ann', 'ann@example.com', ann],
    ])
    expect(dir.asked.sort()).toEqual([`team:${finance}`, `user:${ann}`])
    expect(planned.rejected).toEqual([])
  })

  it('fail alone with OWNER_UNRESOLVED when the catalog has no such id; the description of the same event goes on', async () => {
    const planned = await plan([event([idOnly('user', ann), idOnly('user', gone)])], directory())
    expect(planned.operations.map((o) => o.kind)).toEqual(['description'])
    expect(planned.rejected).toHaveLength(1)
    expect(planned.rejected[0]).toMatchObject({ channel: 'all', kind: 'owners', status: 'failed', error: { code: 'OWNER_UNRESOLVED' } })
    expect(planned.rejected[0]!.error!.message).toContain(`user ${gone}`)
    expect(planned.rejected[0]!.error!.message).toContain('has no user with that id')
  })

  it('fail alone, saying why, when the catalog is unreachable or there is none', async () => {
    const unreachable = await plan([event([idOnly('team', finance)])], directory('connect ECONNREFUSED 127.0.0.1:9'))
    expect(unreachable.operations.map((o) => o.kind)).toEqual(['description'])
    expect(unreachable.rejected[0]!.error!.message).toMatch(/could not be asked \(CATALOG_UNREACHABLE: connect ECONNREFUSED/)
    const none = await plan([event([idOnly('team', finance)])], undefined)
    expect(none.operations.map((o) => o.kind)).toEqual(['description'])
    expect(none.rejected[0]!.error).toMatchObject({ code: 'OWNER_UNRESOLVED', message: expect.stringContaining('no catalog was asked') })
  })

  it('never sends an id that is not a UUID to the catalog (entityReference.json ids are UUIDs): it fails alone, saying so', async () => {
    const dir = directory()
    for (const id of ['..', '../../events?timestamp=0', 'ann', `${ann}/../x`, ` ${ann}`]) {
      const planned = await plan([event([idOnly('user', id)])], dir)
      expect(planned.operations.map((o) => o.kind), id).toEqual(['description'])
      expect(planned.rejected[0]!.error!.message, id).toContain('not a UUID')
    }
    expect(dir.asked).toEqual([])
  })

  it('costs no catalog request when no channel syncs owners', async () => {
    const quiet = await resolveConfig({ services: [{ name: 'svc', type: 'postgres', connection: {} }] }, { source: 'test', baseDir: '/tmp', env: {} })
    const dir = directory()
    const normalized = normalizeChangeEvents([event([idOnly('user', gone)])])
    const planned = planInput(quiet, { items: 1, normalized, owners: await prefetchOwners(quiet, normalized.changes, dir) })
    expect(dir.asked).toEqual([])
    expect(planned.rejected).toEqual([])
    expect(planned.ignored).toMatchObject({ 'no channel syncs owners': 1 })
  })

  it('still refuses a reference with neither id, name nor FQN, naming the event', () => {
    const normalized = normalizeChangeEvents([event([{ type: 'user' }])])
    expect(normalized.errors[0]).toMatchObject({ code: 'INPUT_MALFORMED', message: expect.stringContaining('an owner needs an id, a name or a fullyQualifiedName') })
  })

  it('are named in a streamed plan too, each id asked once across flushes', async () => {
    const dir = directory()
    const events = [event([idOnly('user', ann)]), event([idOnly('user', gone)]), event([idOnly('user', ann)])]
    const operations: OwnersOperation[] = []
    const plan = await planEventStream(config, Readable.from(events.map((e) => `${JSON.stringify(e)}\n`)), async (flush) => void operations.push(...(flush.operations.filter((o) => o.kind === 'owners') as OwnersOperation[])), {
      owners: cachedDirectory(dir),
      maxPending: 1,
    })
    expect(operations.flatMap((o) => o.add.map((a) => a.name))).toEqual(['ann', 'ann'])
    expect(plan.rejected.map((r) => r.error?.code)).toEqual(['OWNER_UNRESOLVED'])
    expect(dir.asked).toEqual([`user:${ann}`, `user:${gone}`])
  })
})
