import { describe, expect, it } from 'vitest'
import { fitLength } from '../../src/descriptions/fit-length.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'

const family = '👨‍👩‍👧‍👦' // 7 code points, 25 UTF-8 bytes, one grapheme
const eAcute = 'e\u0301' // e + combining acute: 2 code points, 3 bytes, one grapheme

describe('fitLength', () => {
  it('leaves text within the limit alone', () => {
    expect(fitLength('hello', 5, 'characters', 'truncate')).toEqual({ text: 'hello', truncated: false, originalLength: 5 })
    expect(fitLength('hello', 5, 'bytes', 'fail')).toEqual({ text: 'hello', truncated: false, originalLength: 5 })
    expect(fitLength('', 0, 'bytes', 'fail')).toEqual({ text: '', truncated: false, originalLength: 0 })
  })

  it('counts code points, not UTF-16 units, for characters', () => {
    expect(fitLength('😀😀', 2, 'characters', 'fail')).toEqual({ text: '😀😀', truncated: false, originalLength: 2 })
    expect(fitLength(family, 7, 'characters', 'fail').originalLength).toBe(7)
    expect(fitLength(eAcute, 2, 'characters', 'fail').originalLength).toBe(2)
  })

  it('counts UTF-8 bytes for bytes', () => {
    expect(fitLength('é', 10, 'bytes', 'fail').originalLength).toBe(2)
    expect(fitLength('注文', 10, 'bytes', 'fail').originalLength).toBe(6)
    expect(fitLength('😀', 10, 'bytes', 'fail').originalLength).toBe(4)
    expect(fitLength(family, 25, 'bytes', 'fail').originalLength).toBe(25)
  })

  it('truncates with an ellipsis counted within the limit', () => {
    const out = fitLength('abcdefghij', 5, 'characters', 'truncate')
    expect(out).toEqual({ text: 'abcd…', truncated: true, originalLength: 10 })
    // '…' is 3 bytes, so 8 bytes leave 5 for the text.
    expect(fitLength('abcdefghij', 8, 'bytes', 'truncate').text).toBe('abcde…')
  })

  it('is exact at the boundary', () => {
    expect(fitLength('abcde', 5, 'characters', 'truncate').truncated).toBe(false)
    expect(fitLength('abcdef', 5, 'characters', 'truncate').text).toBe('abcd…')
    expect(fitLength('注文注文', 12, 'bytes', 'truncate').truncated).toBe(false)
    const cut = fitLength('注文注文', 11, 'bytes', 'truncate')
    expect(cut.text).toBe('注文…')
    expect(new TextEncoder().encode(cut.text).length).toBeLessThanOrEqual(11)
  })

  it('never splits a CJK character across bytes', () => {
    for (let max = 3; max <= 12; max++) {
      const { text } = fitLength('注文注文注', max, 'bytes', 'truncate')
      expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(max)
      expect(text).toMatch(/^(注|文)*…$/u)
    }
  })

  it('keeps or drops an emoji ZWJ sequence whole', () => {
    const text = `ab${family}cd`
    expect(fitLength(text, 9, 'characters', 'truncate').text).toBe('ab…')
    expect(fitLength(text, 10, 'characters', 'truncate').text).toBe(`ab${family}…`)
    const longer = `ab${family}cdef` // 31 bytes
    expect(fitLength(longer, 29, 'bytes', 'truncate').text).toBe('ab…')
    expect(fitLength(longer, 30, 'bytes', 'truncate').text).toBe(`ab${family}…`)
  })

  it('keeps or drops a letter with combining marks whole', () => {
    const text = `caf${eAcute}s`
    expect(fitLength(text, 5, 'characters', 'truncate').text).toBe('caf…')
    expect(fitLength(text, 6, 'characters', 'truncate').truncated).toBe(false)
    expect(fitLength(`caf${eAcute}${eAcute}`, 6, 'characters', 'truncate').text).toBe(`caf${eAcute}…`)
    expect(fitLength(`caf${eAcute}xxxx`, 8, 'bytes', 'truncate').text).toBe('caf…')
    expect(fitLength(`caf${eAcute}xxxx`, 9, 'bytes', 'truncate').text).toBe(`caf${eAcute}…`)
  })

  it('drops whitespace right before the ellipsis', () => {
    expect(fitLength('word and more', 6, 'characters', 'truncate').text).toBe('word…')
  })

  it('returns an empty string when even the ellipsis does not fit', () => {
    expect(fitLength('abcdef', 2, 'bytes', 'truncate')).toEqual({ text: '', truncated: true, originalLength: 6 })
    expect(fitLength('abcdef', 1, 'characters', 'truncate').text).toBe('…')
  })

  it('fails with VALUE_TOO_LONG naming the lengths and the limit', () => {
    let error: unknown
    try {
      fitLength('注文注文', 11, 'bytes', 'fail')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RevmetaError)
    const e = error as RevmetaError
    expect(e.code).toBe('VALUE_TOO_LONG')
    expect(e.message).toContain('12 bytes')
    expect(e.message).toContain('11 bytes')
    expect(e.details).toEqual({ length: 12, max: 11, unit: 'bytes' })
    expect(() => fitLength('abcdef', 5, 'characters', 'fail')).toThrow(/6 characters.*5 characters/)
  })
})
