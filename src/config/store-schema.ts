import path from 'node:path'

/** Where durable state lives: PostgreSQL at `url`, else an embedded store under `dir`. */
export interface StoreSettings {
  readonly url?: string
  readonly dir: string
  readonly schema: string
  /** PostgreSQL store only: bound on opening a connection. */
  readonly connectTimeoutMs: number
  /** PostgreSQL store only: server-side statement_timeout; 0: none. */
  readonly statementTimeoutMs: number
  /** PostgreSQL store only: client-side wait for one answer, what ends a wait on a silent network; 0: none. */
  readonly queryTimeoutMs: number
  /** PostgreSQL store only: an unused connection is closed after this long. */
  readonly idleTimeoutMs: number
}

interface FieldRule {
  readonly kind: 'string' | 'integer'
  readonly min?: number
  readonly pattern?: RegExp
  /** Absent: the field is optional. */
  readonly default?: string | number
}

/**
 * The `store` section's one definition. Checked here without zod, so that commands which only read
 * the store (`revmeta runs`) start without loading a schema library; the whole configuration's zod
 * schema hands its `store` section to the same check (config-schema.ts).
 */
const storeFields: Record<keyof StoreSettings, FieldRule> = {
  url: { kind: 'string' },
  dir: { kind: 'string', default: '.revmeta/store' },
  schema: { kind: 'string', pattern: /^[a-z_][a-z0-9_]*$/, default: 'revmeta' },
  connectTimeoutMs: { kind: 'integer', min: 0, default: 10_000 },
  statementTimeoutMs: { kind: 'integer', min: 0, default: 60_000 },
  queryTimeoutMs: { kind: 'integer', min: 0, default: 90_000 },
  idleTimeoutMs: { kind: 'integer', min: 1, default: 30_000 },
}

/** A problem with one key of the section (path relative to `store`). */
export interface StoreIssue {
  readonly path: readonly string[]
  readonly message: string
}

function fieldIssue(value: unknown, rule: FieldRule): string | undefined {
  if (rule.kind === 'string') {
    if (typeof value !== 'string') return `expected a string, received ${describe(value)}`
    if (rule.pattern && !rule.pattern.test(value)) return `must match ${rule.pattern}`
    return undefined
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) return `expected an integer, received ${describe(value)}`
  if (rule.min !== undefined && value < rule.min) return `must be at least ${rule.min}`
  return undefined
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? String(value) : typeof value)

/** The section with its defaults, or every problem found (unknown keys included). `undefined` is an absent section: all defaults. */
export function checkStoreSection(value: unknown): { ok: true; value: StoreSettings } | { ok: false; issues: StoreIssue[] } {
  const given = value === undefined ? {} : value
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return { ok: false, issues: [{ path: [], message: `expected a mapping, received ${describe(given)}` }] }
  const issues: StoreIssue[] = []
  const out: Record<string, unknown> = {}
  const unknown = Object.keys(given).filter((k) => !Object.hasOwn(storeFields, k))
  if (unknown.length > 0) issues.push({ path: [], message: `unrecognized key(s) (${unknown.join(', ')})` })
  for (const [key, rule] of Object.entries(storeFields)) {
    const field = (given as Record<string, unknown>)[key]
    if (field === undefined) {
      if (rule.default !== undefined) out[key] = rule.default
      continue
    }
    const problem = fieldIssue(field, rule)
    if (problem) issues.push({ path: [key], message: problem })
    else out[key] = field
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out as unknown as StoreSettings }
}

/** The embedded store's directory resolved against the config file's, as every command opens it. */
export function resolveStoreDir(store: StoreSettings, baseDir: string): StoreSettings {
  return store.url === undefined ? { ...store, dir: path.resolve(baseDir, store.dir) } : store
}
