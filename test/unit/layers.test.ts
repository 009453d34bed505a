import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'

// The layers of DESIGN.md live in .dependency-cruiser.cjs; this runs them as part of `npm test`.
const root = resolve(import.meta.dirname, '../..')

async function violationsUnder(baseDir: string): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(resolve(root, '.dependency-cruiser.cjs'))
  const tsConfig = extractTSConfig(resolve(root, 'tsconfig.json'))
  const { output } = await cruise(['src'], { ...options, baseDir, validate: true, outputType: 'json' }, undefined, { tsConfig })
  const result: ICruiseResult = typeof output === 'string' ? JSON.parse(output) : output
  return result.summary.violations
}

const describeViolation = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`

describe('layers', () => {
  it('src/ imports nothing across the layers of DESIGN.md', async () => {
    const violations = await violationsUnder(root)
    expect(violations.map(describeViolation)).toEqual([])
  })

  it('the check bites: a planner importing a connector folder is reported', async () => {
    const violations = await violationsUnder(resolve(root, 'test/fixtures/layers'))
    const found = violations.map(describeViolation)
    expect(found).toContain('lower-layers-no-connectors: src/planning/planner.ts → src/connectors/postgres/index.ts')
    expect(found).toContain('connectors-only-through-registry: src/planning/planner.ts → src/connectors/postgres/index.ts')
    // The registry's lazy import of the same folder is the one allowed way in.
    expect(found.filter((f) => f.includes('registry.ts'))).toEqual([])
  })
})
