import path from 'node:path'
import { formatIssues } from './format-issues.js'
import { interpolateEnv } from './interpolate-env.js'
import { invalidConfig, readConfigTree } from './read-config-file.js'
import { resolveStoreDir, storeSchema, type StoreSettings } from './store-schema.js'

/**
 * Only the `store` section of a configuration file, validated as loadConfig validates it, for
 * commands that read the store and nothing else (`revmeta runs`): they start without the
 * connectors, channels and templates the whole configuration needs, and a service whose
 * environment variables are not set in this shell does not stop them.
 */
export async function loadStoreConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<StoreSettings> {
  const tree = await readConfigTree(file)
  if (tree !== null && tree !== undefined && (typeof tree !== 'object' || Array.isArray(tree))) throw invalidConfig(['(root): expected a mapping'], file)
  const section = (tree as Record<string, unknown> | null | undefined)?.store
  const parsed = storeSchema.safeParse(interpolateEnv(section ?? {}, env, 'store'))
  if (!parsed.success) throw invalidConfig(formatIssues(parsed.error.issues, 'store'), file)
  return resolveStoreDir(parsed.data, path.dirname(path.resolve(file)))
}
