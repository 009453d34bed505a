import { RevmetaError } from '../errors/revmeta-error.js'

const reference = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Replaces ${NAME} and ${NAME:-default} in every string of a parsed YAML tree. Done on parsed
 * values, not on the text, so a secret holding YAML syntax cannot change the document's shape.
 * `$$` stands for a literal `$`.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(reference, (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === '$$') return '$'
      const found = env[name!]
      if (found !== undefined && found !== '') return found
      if (fallback !== undefined) return fallback
      throw new RevmetaError('CONFIG_ENV_MISSING', `${path || 'config'}: environment variable ${name} is not set`, { details: { key: path, variable: name } })
    })
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, `${path}[${i}]`))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = interpolateEnv(item, env, path ? `${path}.${key}` : key)
    return out
  }
  return value
}
