import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from '../../src/execution/circuit-breaker.js'
import { RateLimiter } from '../../src/execution/rate-limiter.js'

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, probes after the cooldown, and doubles it when the probe fails', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 3, cooldownMs: 1000, maxCooldownMs: 3000 }, () => now)
    breaker.failure('db')
    breaker.failure('db')
    expect(breaker.allows('db')).toBe(true)
    breaker.failure('db')
    expect(breaker.allows('db')).toBe(false)
    expect(breaker.allows('other')).toBe(true)
    now = 1000
    expect(breaker.allows('db')).toBe(true)
    breaker.failure('db')
    expect(breaker.openUntil('db')).toBe(2000)
    now = 2000
    breaker.failure('db')
    expect(breaker.openUntil('db')).toBe(2000 + 2000)
    now = 4000
    breaker.failure('db')
    expect(breaker.openUntil('db')).toBe(4000 + 3000)
    now = 7000
    breaker.success('db')
    expect(breaker.allows('db')).toBe(true)
    breaker.failure('db')
    expect(breaker.allows('db')).toBe(true)
  })
})

describe('RateLimiter', () => {
  it('lets a burst of one second through, then waits in proportion', async () => {
    let now = 0
    const waits: number[] = []
    const limiter = new RateLimiter(10, () => now, async (ms) => {
      waits.push(ms)
      now += ms
    })
    await limiter.take(10)
    expect(waits).toEqual([])
    await limiter.take(5)
    expect(waits).toEqual([500])
    now += 1000
    await limiter.take(1)
    expect(waits).toEqual([500])
  })
})
