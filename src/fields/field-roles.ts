import { z } from 'zod'

/**
 * What a field of a connection block holds, declared where the field is (each connector's
 * connection schema) so that no loader keeps a list of names:
 * - `secret`: a password, token or passphrase; its value is blanked out of every message;
 * - `file`: a path (password file, key file, seed SQL, data directory), resolved against the
 *   configuration file's folder, not the shell's.
 */
export type FieldRole = 'secret' | 'file'

export const fieldRoles = z.registry<{ role: FieldRole }>()

/** The schema, registered with its role (zod returns a new schema; the role rides with it). */
export function withRole<T extends z.ZodType>(schema: T, role: FieldRole): T {
  const copy = schema.clone() as T
  fieldRoles.add(copy, { role })
  return copy
}

/** The parts of zod's internal definition this walk reads (zod 4 keeps them on `_zod.def`). */
interface SchemaDef {
  readonly type: string
  readonly shape?: Record<string, z.ZodType>
  readonly options?: readonly z.ZodType[]
  readonly innerType?: z.ZodType
  readonly in?: z.ZodType
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def

// Wrappers that leave the field's meaning as it was: an optional secret is still a secret.
const wrappers = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional'])

function roleOf(schema: z.ZodType): FieldRole | undefined {
  let current: z.ZodType | undefined = schema
  while (current) {
    const role = fieldRoles.get(current)?.role
    if (role) return role
    const def: SchemaDef = defOf(current)
    current = wrappers.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined
  }
  return undefined
}

/**
 * The top-level keys of a connection schema that carry `role`, over every variant of a union (a
 * connector with modes, as ClickHouse's http and embedded).
 */
export function fieldsWithRole(schema: z.ZodType, role: FieldRole): string[] {
  const keys = new Set<string>()
  const visit = (node: z.ZodType): void => {
    const def = defOf(node)
    if (def.type === 'object') for (const [key, field] of Object.entries(def.shape ?? {})) if (roleOf(field) === role) keys.add(key)
    if (def.type === 'union') for (const option of def.options ?? []) visit(option)
    if (wrappers.has(def.type) && def.innerType) visit(def.innerType)
    if (def.type === 'pipe' && def.in) visit(def.in)
  }
  visit(schema)
  return [...keys]
}
