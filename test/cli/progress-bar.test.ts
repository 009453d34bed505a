import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { progressView, showsProgress } from '../../src/cli/progress-bar.js'
import { progressCounter, type Progress } from '../../src/model/progress.js'

/** A standard error that says it is (or is not) a terminal and keeps what was written. */
function fakeStderr(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk))
      callback()
    },
  }) as unknown as NodeJS.WriteStream
  Object.assign(stream, { isTTY, columns: 120 })
  return { stream, text: () => chunks.join('') }
}

describe('whether a bar is drawn', () => {
  it('only for a terminal, never with --json, never on TERM=dumb', () => {
    expect(showsProgress({ isTTY: true, env: {} })).toBe(true)
    expect(showsProgress({ isTTY: true, json: false, env: { TERM: 'xterm-256color' } })).toBe(true)
    expect(showsProgress({ isTTY: true, json: true, env: {} })).toBe(false)
    expect(showsProgress({ isTTY: false, env: {} })).toBe(false)
    expect(showsProgress({ isTTY: undefined, env: {} })).toBe(false)
    expect(showsProgress({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false)
  })

  it('off a terminal or with --json the core is given no callback, and log lines pass through untouched', () => {
    for (const [tty, json] of [[false, false], [true, true], [false, true]] as const) {
      const err = fakeStderr(tty)
      const view = progressView('apply', { json }, err.stream, { REVMETA_PROGRESS_DELAY_MS: '0' })
      expect(view.onProgress).toBeUndefined()
      view.log('revmeta: a line')
      view.stop()
      expect(err.text()).toBe('revmeta: a line\n')
    }
  })
})

describe('the bar on a terminal', () => {
  it('shows the command, the phase, the counts and a rate; a new phase gets a bar of its own', () => {
    const err = fakeStderr(true)
    const view = progressView('sync', {}, err.stream, { REVMETA_PROGRESS_DELAY_MS: '0' })
    const counter = progressCounter('checking', 40, view.onProgress)
    counter.advance(40)
    const writing = progressCounter('applying', 3, view.onProgress)
    writing.advance(2)
    writing.advance(1)
    view.log('revmeta: a line during the bar')
    view.stop()
    const text = err.text()
    expect(text).toMatch(/revmeta sync: checking \[[█░]{30}\] 40\/40 \| [\d,]+\/s/)
    expect(text).toMatch(/revmeta sync: applying \[[█░]{30}\] 3\/3 \| [\d,]+\/s/)
    expect(text).toContain('revmeta: a line during the bar\n')
  })

  it('waits before drawing: a command done before the delay leaves no bar', () => {
    const err = fakeStderr(true)
    const view = progressView('apply', {}, err.stream, { REVMETA_PROGRESS_DELAY_MS: '60000' })
    expect(view.onProgress).toBeDefined()
    const counter = progressCounter('applying', 5, view.onProgress)
    counter.advance(5)
    view.stop()
    expect(err.text()).toBe('')
  })

  it('an unreadable delay falls back to the default instead of drawing at once', () => {
    const err = fakeStderr(true)
    const view = progressView('apply', {}, err.stream, { REVMETA_PROGRESS_DELAY_MS: 'soon' })
    progressCounter('applying', 5, view.onProgress).advance(5)
    view.stop()
    expect(err.text()).toBe('')
  })

  it('nothing to count draws nothing', () => {
    const err = fakeStderr(true)
    const view = progressView('apply', {}, err.stream, { REVMETA_PROGRESS_DELAY_MS: '0' })
    progressCounter('applying', 0, view.onProgress)
    view.stop()
    expect(err.text()).toBe('')
  })
})

describe('progressCounter', () => {
  it('reports from zero, never past the total, and a grown total', () => {
    const seen: Progress[] = []
    const counter = progressCounter('ingesting', 2, (p) => seen.push(p))
    counter.advance(1)
    counter.advance(5)
    counter.grow(3)
    counter.advance(0)
    counter.advance(-4)
    counter.advance(3)
    expect(seen.map((p) => `${p.phase} ${p.done}/${p.total}`)).toEqual(['ingesting 0/2', 'ingesting 1/2', 'ingesting 2/2', 'ingesting 2/5', 'ingesting 5/5'])
  })

  it('without a callback it counts nothing and calls nothing', () => {
    const counter = progressCounter('applying', 10, undefined)
    expect(() => {
      counter.advance(3)
      counter.grow(2)
    }).not.toThrow()
  })
})
