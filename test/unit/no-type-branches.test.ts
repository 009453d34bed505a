import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectorNames } from '../../src/connectors/registry.js'
import { catalogTypes } from '../../src/catalogs/registry.js'

// DESIGN.md: core code never branches on an engine's name nor on the catalog's type; what differs
// is asked of the connector or the catalog backend. Import rules cannot see a string comparison,
// so this reads the source: a comparison with a registered name outside the folders that own it fails.
const root = resolve(import.meta.dirname, '../..')
const owners = /^src\/(connectors|catalogs)\//
// The state store's own database (PostgreSQL or embedded PGlite) is not a service's engine: its
// runner's kind is the store's business, chosen by store.url, and no connector is involved.
const storeRunner = /\brunner\.kind\b/

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name))
}

/** Lines comparing something with one of `names` as a string literal (=== / !== / case). */
export function typeBranches(text: string, names: readonly string[]): string[] {
  const alternatives = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  const comparison = new RegExp(`([!=]==\\s*['"\`](${alternatives})['"\`])|(['"\`](${alternatives})['"\`]\\s*[!=]==)|(case\\s+['"\`](${alternatives})['"\`]\\s*:)`)
  return text
    .split('\n')
    .map((line) => line.replace(/\s\/\/ .*$/, ''))
    .filter((line) => comparison.test(line) && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*') && !storeRunner.test(line))
}

describe('no core branch on an engine or catalog type', () => {
  it('the scan bites on the forms a branch takes', () => {
    const names = ['snowflake', 'builtin']
    expect(typeBranches("if (config.catalog.type === 'builtin') x()", names)).toHaveLength(1)
    expect(typeBranches('const b = "snowflake" !== service.type', names)).toHaveLength(1)
    expect(typeBranches('  case `snowflake`:', names)).toHaveLength(1)
    expect(typeBranches("const known = ['builtin']; // === 'builtin' in a comment is fine", names)).toEqual([])
  })

  it('src outside src/connectors and src/catalogs compares nothing with a connector name or a catalog type', async () => {
    const found: string[] = []
    for (const file of await sourceFiles(join(root, 'src'))) {
      const path = relative(root, file).replaceAll('\\', '/')
      if (owners.test(path)) continue
      for (const line of typeBranches(await readFile(file, 'utf8'), [...connectorNames, ...catalogTypes])) found.push(`${path}: ${line.trim()}`)
    }
    expect(found).toEqual([])
  })
})
