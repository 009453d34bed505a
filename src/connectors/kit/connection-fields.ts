import { z } from 'zod'
import { withRole } from '../../fields/field-roles.js'
import { intField } from './config-fields.js'

/** A password: blanked out of every message (role `secret`). */
export const passwordField = withRole(z.string(), 'secret').optional()

/** A file holding the password, read at connect time so a rotated secret is picked up (role `file`). */
export const passwordFileField = withRole(z.string().min(1), 'file').optional()

/** A path in a connection block (seed SQL, data directory), relative to the configuration file. */
export const fileField = () => withRole(z.string().min(1), 'file').optional()

/** The fields of a server reached over the network, with the engine's own defaults. */
export function serverFields(defaults: { port: number; user: string }) {
  return {
    host: z.string().min(1).default('127.0.0.1'),
    port: intField(1, 65_535).default(defaults.port),
    user: z.string().min(1).default(defaults.user),
    password: passwordField,
    passwordFile: passwordFileField,
  }
}

/** password and passwordFile exclude each other: which one wins would be a guess. */
export function onePassword<T extends z.ZodType<{ password?: string | undefined; passwordFile?: string | undefined }>>(schema: T) {
  return schema.refine((connection) => connection.password === undefined || connection.passwordFile === undefined, {
    message: 'give password or passwordFile, not both',
    path: ['passwordFile'],
  })
}
