import path from 'node:path'
import { interpolateEnv } from './interpolate-env.js'
import { invalidConfig, readConfigTree } from './read-config-file.js'
import { checkStoreSection, resolveStoreDir, type StoreSettings } from './store-schema.js'

/**
 * Only the `store` section of a configuration file, checked as loadConfig checks it, for commands
 * that read the store and nothing else (`revmeta runs`): they start without the connectors,
 * channels, templates and schema library the whole configuration needs, and a service whose
 * environment variables are not set in this shell does not stop them.
 */
export async function loadStoreConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<StoreSettings> {
  const tree = await readConfigTree(file)
  if (tree !== null && tree !== undefined && (typeof tree !== 'object' || Array.isArray(tree))) throw invalidConfig(['(root): expected a mapping'], file)
  const checked = checkStoreSection(interpolateEnv((tree as Record<string, unknown> | null | undefined)?.store, env, 'store'))
  if (!checked.ok) throw invalidConfig(checked.issues.map((i) => `${['store', ...i.path].join('.')}: ${i.message}`), file)
  return resolveStoreDir(checked.value, path.dirname(path.resolve(file)))
}
