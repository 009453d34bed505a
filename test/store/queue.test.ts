import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localWorkerGone } from '../../src/execution/worker-liveness.js'
import type { StoredOperation } from '../../src/store/state-store.js'
import { bothTargets, describeOp, lockTimeout, missing, report, tagsOp } from './store-support.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const past = () => new Date(Date.now() - 1000)

describe.each(bothTargets())('queue on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('coalesces into a pending operation: newer desired state, newer run, new seq, all origins', async () => {
    const store = await t.fresh()
    const run1 = await store.createRun('apply')
    expect(await store.enqueue(run1, [describeOp('a', 'one', { eventId: 'e1' }), describeOp('b', 'b')])).toEqual({ inserted: 2, coalesced: 0 })
    const [before] = await store.operations({ runId: run1 })
    const run2 = await store.createRun('apply')
    expect(await store.enqueue(run2, [describeOp('a', 'two', { eventId: 'e2' })])).toEqual({ inserted: 0, coalesced: 1 })
    const ops = await store.operations({})
    expect(ops).toHaveLength(2)
    const a = ops.find((o) => o.key === before!.key)!
    expect(a.id).toBe(before!.id)
    expect(a.runId).toBe(run2)
    expect(a.seq).toBeGreaterThan(ops.find((o) => o.key !== a.key)!.seq)
    expect(a.op).toMatchObject({ description: 'two' })
    expect(a.op.origins.map((o) => o.eventId)).toEqual(['e1', 'e2'])
    expect(a.status).toBe('pending')
  })

  it('reopens a finished run when more work is queued into it, so its counts stay live', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x')])
    expect((await store.finishRun(run)).finishedAt).toBeInstanceOf(Date)
    await store.enqueue(run, [describeOp('b', 'y')])
    const reopened = await store.getRun(run)
    expect(reopened?.finishedAt).toBeUndefined()
    expect(reopened?.counts).toMatchObject({ total: 2, pending: 2 })
  })

  it('coalesces repeated keys within one call, in input order', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    const ops = [describeOp('a', '1'), describeOp('b', 'b'), describeOp('a', '2'), describeOp('a', '3')]
    expect(await store.enqueue(run, ops)).toEqual({ inserted: 2, coalesced: 2 })
    const a = (await store.operations({})).find((o) => o.key.includes('.a|'))!
    expect(a.op).toMatchObject({ description: '3' })
    expect(a.op.origins).toHaveLength(3)
  })

  it('merges tag deltas instead of dropping the older pending one', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [tagsOp('t', ['PII.Email', 'Tier.Gold'], ['Old.One'], 'e1')])
    await store.enqueue(run, [tagsOp('t', ['Fresh.New'], ['Tier.Gold'], 'e2')])
    const [op] = await store.operations({})
    expect(op!.op.kind).toBe('tags')
    if (op!.op.kind !== 'tags') return
    expect(op!.op.add.map((x) => x.tagFQN)).toEqual(['PII.Email', 'Fresh.New'])
    expect(op!.op.remove.map((x) => x.tagFQN)).toEqual(['Old.One', 'Tier.Gold'])
  })

  it('does not coalesce into a running operation: the newer one waits behind it', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'old')])
    const [running] = await store.claim('w1', { limit: 10 })
    expect(await store.enqueue(run, [describeOp('a', 'new')])).toEqual({ inserted: 1, coalesced: 0 })
    expect(await store.claim('w2', { limit: 10 })).toEqual([])
    await store.settle('w1', [{ id: running!.id, status: 'applied', report: report(running!, 'applied') }])
    const next = await store.claim('w2', { limit: 10 })
    expect(next.map((o) => o.op)).toMatchObject([{ description: 'new' }])
  })

  it('claims oldest seq first, one operation per key, the lowest seq of the key first', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'a1'), describeOp('b', 'b1'), describeOp('c', 'c1')])
    const first = await store.claim('w1', { limit: 1 })
    expect(first.map((o) => o.op)).toMatchObject([{ description: 'a1' }])
    // a1 fails and waits for a retry; a2 arrives meanwhile and must not overtake it.
    await store.settle('w1', [{ id: first[0]!.id, status: 'retry', report: report(first[0]!, 'failed'), error: lockTimeout, runAt: past() }])
    await store.enqueue(run, [describeOp('a', 'a2')])
    const pendingA = (await store.operations({ status: 'pending' })).filter((o) => o.key === first[0]!.key)
    expect(pendingA).toHaveLength(2)
    const batch = await store.claim('w1', { limit: 10 })
    expect(batch.map((o) => o.op)).toMatchObject([{ description: 'a1' }, { description: 'b1' }, { description: 'c1' }])
    expect(batch[0]!.attempts).toBe(2)
    expect(batch[0]!.lastError).toEqual(lockTimeout)
    expect(await store.claim('w2', { limit: 10 })).toEqual([])
    await store.settle('w1', [{ id: batch[0]!.id, status: 'applied', report: report(batch[0]!, 'applied') }])
    expect((await store.claim('w2', { limit: 10 })).map((o) => o.op)).toMatchObject([{ description: 'a2' }])
  })

  it('takes work in the order it came due: a retry that comes due goes behind work queued while it waited', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'a1')])
    const [a] = await store.claim('w', { limit: 1 })
    // a1 fails; its retry is due in 300 ms. b1 and c1 are queued meanwhile, due at once.
    await store.settle('w', [{ id: a!.id, status: 'retry', report: report(a!, 'failed'), error: lockTimeout, runAt: new Date(Date.now() + 300) }])
    await store.enqueue(run, [describeOp('b', 'b1'), describeOp('c', 'c1')])
    await new Promise((resolve) => setTimeout(resolve, 400))
    // All three are due now: b1 and c1 came due first, though a1 holds the lowest seq.
    const claimed = await store.claim('w', { limit: 2 })
    expect(claimed.map((o) => o.op)).toMatchObject([{ description: 'b1' }, { description: 'c1' }])
    expect(claimed.every((o) => o.seq > a!.seq)).toBe(true)
    expect((await store.claim('w', { limit: 2 })).map((o) => o.op)).toMatchObject([{ description: 'a1' }])
  })

  it('leaves a retry alone until its run_at, and claims only the services asked for', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x'), describeOp('l', 'y', { service: 'lake' })])
    expect((await store.claim('w', { limit: 10, services: ['lake'] })).map((o) => o.service)).toEqual(['lake'])
    const [a] = await store.claim('w', { limit: 10, services: ['warehouse'] })
    await store.settle('w', [{ id: a!.id, status: 'retry', report: report(a!, 'failed'), error: lockTimeout, runAt: new Date(Date.now() + 60_000) }])
    expect(await store.claim('w', { limit: 10 })).toEqual([])
    const [stored] = await store.operations({ ids: [a!.id] })
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, lastError: lockTimeout })
    expect(stored!.lockedBy).toBeUndefined()
    expect(stored!.runAt.getTime()).toBeGreaterThan(Date.now() + 50_000)
  })

  it('respects maxRunningPerService across claims and workers', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    const ops = [...Array.from({ length: 6 }, (_, i) => describeOp(`w${i}`, 'x')), ...Array.from({ length: 3 }, (_, i) => describeOp(`l${i}`, 'y', { service: 'lake' }))]
    await store.enqueue(run, ops)
    const caps = { warehouse: 2 }
    const first = await store.claim('w1', { limit: 10, maxRunningPerService: caps })
    expect(first.filter((o) => o.service === 'warehouse')).toHaveLength(2)
    expect(first.filter((o) => o.service === 'lake')).toHaveLength(3)
    expect(first.map((o) => o.seq)).toEqual([...first.map((o) => o.seq)].sort((x, y) => x - y))
    expect(await store.claim('w2', { limit: 10, maxRunningPerService: caps })).toEqual([])
    await store.settle('w1', [{ id: first[0]!.id, status: 'applied', report: report(first[0]!, 'applied') }])
    expect(await store.claim('w2', { limit: 10, maxRunningPerService: caps })).toHaveLength(1)
    expect(await store.claim('w2', { limit: 10, maxRunningPerService: { warehouse: 0 } })).toEqual([])
  })

  it('settles each kind, ignores operations not locked by the worker, and keeps the audit straight', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, ['ok', 'same', 'unsup', 'skip', 'retry', 'dead'].map((n) => describeOp(n, n)))
    const claimed = await store.claim('w1', { limit: 10 })
    const byName = Object.fromEntries(claimed.map((o) => [o.key.split('.')[3]!.split('|')[0]!, o]))
    const audit = (name: string) => ({ operationId: byName[name]!.id, runId: run, attempt: 1, service: 'warehouse', asset: name, kind: 'description' as const, statement: `COMMENT ${name}`, before: 'old', after: name, outcome: 'sent' as const })
    await store.recordAudit(['ok', 'unsup', 'retry', 'dead'].map(audit))
    const r = (n: string, status: 'applied' | 'unchanged' | 'unsupported' | 'skipped' | 'failed') => report(byName[n]!, status, status === 'applied')
    await store.settle('intruder', [{ id: byName.ok!.id, status: 'dead', report: r('ok', 'failed'), error: missing }])
    await store.settle('w1', [
      { id: byName.ok!.id, status: 'applied', report: r('ok', 'applied') },
      { id: byName.same!.id, status: 'unchanged', report: r('same', 'unchanged') },
      { id: byName.unsup!.id, status: 'unsupported', report: r('unsup', 'unsupported') },
      { id: byName.skip!.id, status: 'skipped', report: r('skip', 'skipped') },
      { id: byName.retry!.id, status: 'retry', report: r('retry', 'failed'), error: lockTimeout, runAt: past() },
      { id: byName.dead!.id, status: 'dead', report: r('dead', 'failed'), error: missing },
    ])
    const status: Record<string, StoredOperation> = Object.fromEntries((await store.operations({ runId: run })).map((o) => [o.op.asset.table, o]))
    expect(Object.fromEntries(Object.entries(status).map(([k, o]) => [k, o.status]))).toEqual({
      ok: 'applied', same: 'unchanged', unsup: 'unsupported', skip: 'skipped', retry: 'pending', dead: 'dead',
    })
    expect(status.dead!.lastError).toEqual(missing)
    expect(status.ok!.lastError).toBeUndefined()
    expect(status.ok!.report).toMatchObject({ status: 'applied', verified: true })
    const outcomes = Object.fromEntries((await store.audit({ runId: run })).map((a) => [a.asset, a.outcome]))
    expect(outcomes).toEqual({ ok: 'applied', unsup: 'failed', retry: 'failed', dead: 'failed' })
    // settling again is ignored: the operations are no longer locked by w1
    await store.settle('w1', [{ id: byName.ok!.id, status: 'dead', report: r('ok', 'failed'), error: missing }])
    expect((await store.operations({ ids: [byName.ok!.id] }))[0]!.status).toBe('applied')
  })

  it('marks earlier attempts failed when a later one applies', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x')])
    const entry = (op: { id: number }, attempt: number) => ({ operationId: op.id, runId: run, attempt, service: 'warehouse', asset: 'a', kind: 'description' as const, statement: `try ${attempt}`, outcome: 'sent' as const })
    const [c1] = await store.claim('w1', { limit: 1 })
    await store.recordAudit([entry(c1!, 1)])
    await sleep(30)
    expect(await store.reclaimExpired(10)).toBe(1) // w1 died with its statement in flight
    const [c2] = await store.claim('w2', { limit: 1 })
    expect(c2!.attempts).toBe(2)
    await store.recordAudit([entry(c2!, 2)])
    await store.settle('w2', [{ id: c2!.id, status: 'applied', report: report(c2!, 'applied') }])
    expect((await store.audit({ operationId: c2!.id })).map((a) => [a.attempt, a.outcome])).toEqual([[1, 'failed'], [2, 'applied']])
  })

  it('stores unchanged with earlier sent rows as applied, and the rows as recovered', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x')])
    const [c1] = await store.claim('w1', { limit: 1 })
    await store.recordAudit([{ operationId: c1!.id, runId: run, attempt: 1, service: 'warehouse', asset: 'a', kind: 'description', statement: 'COMMENT', before: null, after: 'x', outcome: 'sent' }])
    await sleep(30)
    expect(await store.reclaimExpired(10)).toBe(1)
    const [c2] = await store.claim('w2', { limit: 1 })
    await store.settle('w2', [{ id: c2!.id, status: 'unchanged', report: report(c2!, 'unchanged') }])
    const [stored] = await store.operations({ ids: [c2!.id] })
    expect(stored!.status).toBe('applied')
    const [row] = await store.audit({ operationId: c2!.id })
    expect(row).toMatchObject({ outcome: 'recovered', before: null, after: 'x' })
  })

  it('keeps the rows of an attempt that lost its connection unresolved, then recovered and verified when found in place', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x'), describeOp('b', 'y')])
    const entry = (op: { id: number; attempts: number }, name: string) => ({ operationId: op.id, runId: run, attempt: op.attempts, service: 'warehouse', asset: name, kind: 'description' as const, statement: `try ${op.attempts}`, before: null, after: name, outcome: 'sent' as const })
    const lost = { code: 'CONNECTION_FAILED' as const, message: 'Connection terminated unexpectedly', retryable: true }
    const [a1, b1] = await store.claim('w', { limit: 2 })
    await store.recordAudit([entry(a1!, 'a'), entry(b1!, 'b')])
    // a: the connection broke while sending (maybe landed); b: the database refused it (did not land).
    await store.settle('w', [
      { id: a1!.id, status: 'retry', report: report(a1!, 'failed'), error: lost, runAt: past() },
      { id: b1!.id, status: 'retry', report: report(b1!, 'failed'), error: lockTimeout, runAt: past() },
    ])
    expect((await store.audit({ runId: run })).map((e) => [e.asset, e.outcome])).toEqual([['a', 'sent'], ['b', 'failed']])
    const [a2] = await store.claim('w', { limit: 1, services: ['warehouse'] })
    expect(a2!.id).toBe(a1!.id)
    await store.settle('w', [{ id: a2!.id, status: 'unchanged', report: report(a2!, 'unchanged') }])
    const [stored] = await store.operations({ ids: [a2!.id] })
    expect(stored).toMatchObject({ status: 'applied', report: { verified: true } })
    expect((await store.audit({ operationId: a2!.id })).map((e) => [e.attempt, e.outcome])).toEqual([[1, 'recovered']])
  })

  it('after a replay, marks only the new attempt applied, not an unresolved row of the same attempt number', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x')])
    const entry = (op: { id: number; runId: number; attempts: number }) => ({ operationId: op.id, runId: op.runId, attempt: op.attempts, service: 'warehouse', asset: 'a', kind: 'description' as const, statement: `run ${op.runId} try ${op.attempts}`, outcome: 'sent' as const })
    const [c1] = await store.claim('w1', { limit: 1 })
    await store.recordAudit([entry(c1!)])
    await sleep(30)
    expect(await store.reclaimExpired(10)).toBe(1) // w1 died with its statement in flight
    const [c2] = await store.claim('w2', { limit: 1 })
    await store.settle('w2', [{ id: c2!.id, status: 'dead', report: report(c2!, 'failed'), error: missing }])
    const replay = await store.createRun('replay')
    expect(await store.replay(replay)).toBe(1)
    const [c3] = await store.claim('w3', { limit: 1 })
    expect(c3).toMatchObject({ attempts: 1, runId: replay })
    await store.recordAudit([entry(c3!)])
    await store.settle('w3', [{ id: c3!.id, status: 'applied', report: report(c3!, 'applied') }])
    const rows = (await store.audit({ operationId: c3!.id })).map((e) => [e.runId, e.attempt, e.outcome])
    expect(rows).toEqual([[run, 1, 'failed'], [replay, 1, 'applied']])
  })

  it('reclaims expired leases only, and heartbeats keep a lease fresh', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x'), describeOp('b', 'y')])
    const [a] = await store.claim('w1', { limit: 1 })
    const [b] = await store.claim('w2', { limit: 1 })
    expect(await store.reclaimExpired(60_000)).toBe(0)
    await sleep(80)
    await store.heartbeat('w2')
    expect(await store.reclaimExpired(50)).toBe(1)
    const ops = await store.operations({})
    expect(ops.find((o) => o.id === a!.id)).toMatchObject({ status: 'pending', attempts: 1 })
    expect(ops.find((o) => o.id === b!.id)).toMatchObject({ status: 'running', lockedBy: 'w2' })
    // the dead worker's late settle is ignored
    await store.settle('w1', [{ id: a!.id, status: 'applied', report: report(a!, 'applied') }])
    expect((await store.operations({ ids: [a!.id] }))[0]!.status).toBe('pending')
  })

  it('takes back at once what a dead process of this host held, and leaves live and remote workers to their lease', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, ['a', 'b', 'c', 'd'].map((n) => describeOp(n, n)))
    const child = spawn(process.execPath, ['-e', ''])
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)))
    const workers = { dead: `${hostname()}:${deadPid}:aaaaaa`, live: `${hostname()}:${process.ppid}:bbbbbb`, remote: `elsewhere:${deadPid}:cccccc`, custom: 'w-custom' }
    for (const id of Object.values(workers)) expect(await store.claim(id, { limit: 1 })).toHaveLength(1)
    expect(localWorkerGone(workers.dead)).toBe(true)
    expect(await store.reclaimAbandoned(localWorkerGone)).toBe(1)
    const ops = await store.operations({})
    expect(ops.filter((o) => o.status === 'running').map((o) => o.lockedBy).sort()).toEqual([workers.custom, workers.live, workers.remote].sort())
    expect(ops.find((o) => o.status === 'pending')).toMatchObject({ attempts: 1 })
    expect(await store.reclaimAbandoned(localWorkerGone)).toBe(0)
  })

  it('replays dead letters into a new run, keeping the last error, skipping superseded ones', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x'), describeOp('b', 'y'), describeOp('c', 'z')])
    const claimed = await store.claim('w', { limit: 10 })
    await store.settle('w', claimed.map((c) => ({ id: c.id, status: 'dead' as const, report: report(c, 'failed'), error: missing })))
    // c was edited again after it died: its dead letter is stale
    await store.enqueue(run, [describeOp('c', 'z2')])
    const replayRun = await store.createRun('replay')
    const [a, b, c] = claimed
    expect(await store.replay(replayRun, [a!.id, c!.id])).toBe(1)
    expect(await store.replay(replayRun)).toBe(1)
    const ops = await store.operations({ runId: replayRun })
    expect(ops.map((o) => o.id).sort()).toEqual([a!.id, b!.id].sort())
    for (const o of ops) expect(o).toMatchObject({ status: 'pending', attempts: 0, lastError: missing })
    expect((await store.operations({ ids: [c!.id] }))[0]!.status).toBe('dead')
    expect(await store.unsettled(replayRun)).toBe(2)
    expect(await store.unsettled()).toBe(3)
  })

  it('counts a run by status, with total and verified, live until finished', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply', 'nightly')
    await store.enqueue(run, ['a', 'b', 'c', 'd'].map((n) => describeOp(n, n)))
    const [a, b, c] = await store.claim('w', { limit: 3 })
    await store.settle('w', [
      { id: a!.id, status: 'applied', report: report(a!, 'applied', true) },
      { id: b!.id, status: 'applied', report: report(b!, 'applied') },
      { id: c!.id, status: 'dead', report: report(c!, 'failed'), error: missing },
    ])
    const live = await store.getRun(run)
    expect(live).toMatchObject({ id: run, mode: 'apply', note: 'nightly', counts: { applied: 2, dead: 1, pending: 1, total: 4, verified: 1 } })
    expect(live!.finishedAt).toBeUndefined()
    const done = await store.finishRun(run)
    expect(done.counts).toEqual({ pending: 1, running: 0, applied: 2, unchanged: 0, unsupported: 0, skipped: 0, superseded: 0, dead: 1, total: 4, verified: 1 })
    expect(done.finishedAt).toBeInstanceOf(Date)
    expect(done.startedAt).toBeInstanceOf(Date)
    const other = await store.createRun('sync')
    expect((await store.listRuns(10)).map((r) => r.id)).toEqual([other, run])
    expect((await store.listRuns(10))[1]!.counts.total).toBe(4)
    expect(await store.getRun(9_999)).toBeUndefined()
  })
})
