/**
 * How far a long step has got, for a person watching: the CLI draws it as a progress bar, nothing
 * else depends on it. `done` never passes `total`; a step that learns of more work raises `total`.
 */
export interface Progress {
  /** What the step does, as a word the CLI shows before the bar: 'applying', 'checking', 'ingesting'. */
  readonly phase: string
  readonly done: number
  readonly total: number
}

export type OnProgress = (progress: Progress) => void

/** A step's running count: `advance` by work done, `grow` the total by work found. */
export interface ProgressCount {
  advance(n: number): void
  grow(n: number): void
}

/**
 * Counts one step's work toward its total and tells `onProgress` of each advance. Without
 * `onProgress` it counts nothing, so code that reports progress costs nothing when nobody watches.
 */
export function progressCounter(phase: string, total: number, onProgress: OnProgress | undefined): ProgressCount {
  if (!onProgress) return { advance: () => {}, grow: () => {} }
  let done = 0
  onProgress({ phase, done, total })
  return {
    advance(n) {
      if (n <= 0) return
      done = Math.min(total, done + n)
      onProgress({ phase, done, total })
    },
    grow(n) {
      if (n <= 0) return
      total += n
      onProgress({ phase, done, total })
    },
  }
}
