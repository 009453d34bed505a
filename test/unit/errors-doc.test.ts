import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderErrorsDoc } from '../../src/errors/render-errors-doc.js'

describe('docs/errors.md', () => {
  it('lists exactly the codes of the catalogue (regenerate with npm run docs:errors)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorsDoc())
  })
})
