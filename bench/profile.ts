import type { Profiler } from 'node:inspector'
import { Session } from 'node:inspector/promises'
import type { StateStore } from '../dist/store/state-store.js'

/** Where the time of one call goes: a sampled CPU profile, summarised as the functions that cost most. */
export interface ProfileSummary {
  readonly wallMs: number
  /** Self time: the function's own code, not what it calls. */
  readonly self: readonly { readonly name: string; readonly ms: number }[]
  /** Inclusive time of revmeta's own functions (dist/, compiled from src/), what they call included. */
  readonly inclusive: readonly { readonly name: string; readonly ms: number }[]
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

const label = (n: ProfileNode) => {
  // dist/x.js is compiled from src/x.ts: named by its source.
  const url = n.callFrame.url
  const file = url.includes('/node_modules/')
    ? url.replace(/^.*?\/node_modules\//, 'node_modules/')
    : url.replace(/^.*?\/dist\/(.*)\.js$/, 'src/$1.ts').replace(/^file:\/\/.*\/bench\//, 'bench/')
  const fn = n.callFrame.functionName || '(anonymous)'
  // Line numbers are left out: they point into the compiled code, not the source.
  return file ? `${fn} (${file})` : fn
}

export async function cpuProfile(fn: () => Promise<unknown>, top = 12): Promise<ProfileSummary> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 250 })
  await session.post('Profiler.start')
  const start = performance.now()
  let wallMs: number
  let profile: Profiler.Profile
  try {
    await fn()
  } finally {
    wallMs = performance.now() - start
    profile = (await session.post('Profiler.stop')).profile
    session.disconnect()
  }
  const nodes = new Map((profile.nodes as ProfileNode[]).map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  profile.samples!.forEach((id: number, i: number) => {
    const us = profile.timeDeltas![i] ?? 0
    const node = nodes.get(id)!
    // The inspector stopping the profiler (serialising the profile) is not revmeta's time.
    if (node.callFrame.functionName === 'dispatch' && node.callFrame.url === '') return
    self.set(label(node), (self.get(label(node)) ?? 0) + us)
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = nodes.get(cur)!
      if (!n.callFrame.url.includes('/dist/') || n.callFrame.url.includes('/node_modules/') || seen.has(label(n))) continue
      seen.add(label(n))
      inclusive.set(label(n), (inclusive.get(label(n)) ?? 0) + us)
    }
  })
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000 }))
  return { wallMs, self: rank(self), inclusive: rank(inclusive) }
}

/** A store whose every call is timed: total milliseconds and calls per method (calls may overlap). */
export function timedStore(store: StateStore): { store: StateStore; spans: Map<string, { ms: number; calls: number }> } {
  const spans = new Map<string, { ms: number; calls: number }>()
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const start = performance.now()
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        } finally {
          const span = spans.get(String(prop)) ?? { ms: 0, calls: 0 }
          span.ms += performance.now() - start
          span.calls++
          spans.set(String(prop), span)
        }
      }
    },
  })
  return { store: wrapped, spans }
}
