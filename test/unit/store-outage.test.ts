import { describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { StoreOutage } from '../../src/execution/store-outage.js'

const lost = new RevmetaError('CONNECTION_FAILED', 'State store query: Query read timeout', { retryable: true })

describe('StoreOutage: how a worker rides out an unreachable store', () => {
  it('waits out retryable failures with a doubling pause, capped, and starts over once the store answers', () => {
    const outage = new StoreOutage(undefined)
    const waits = Array.from({ length: 7 }, (_, i) => outage.failed(lost, i * 60_000))
    expect(waits).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000])
    outage.over()
    expect(outage.failed(lost, 10 * 60_000)).toBe(200)
  })

  it('gives up at once on an error that retrying cannot fix', () => {
    expect(new StoreOutage(undefined).failed(new RevmetaError('INTERNAL', 'a bug'))).toBeUndefined()
  })

  it('in a drain, gives up once the store has failed for longer than the horizon', () => {
    const outage = new StoreOutage(10_000)
    expect(outage.failed(lost, 1_000)).toBe(200)
    expect(outage.failed(lost, 11_000)).toBe(400)
    expect(outage.failed(lost, 11_001)).toBeUndefined()
  })
})
