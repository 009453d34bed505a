import { readFile } from 'node:fs/promises'
import { RevmetaError } from '../errors/revmeta-error.js'

/**
 * Reads a password file at connect time (so a rotated secret is picked up), dropping one trailing
 * newline. The file's content never reaches a message; only its path does.
 */
export async function readPasswordFile(file: string): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new RevmetaError('CONNECTION_FAILED', `Cannot read passwordFile ${file} (${why})`, { retryable: false, details: { passwordFile: file } })
  }
  return text.replace(/\r?\n$/, '')
}

/** Replaces known secrets, and the password of any URL, by `***` in text bound for a message. */
export function redactSecrets(text: string, secrets: readonly string[] | undefined): string {
  let out = text
  for (const secret of secrets ?? []) {
    if (secret.length > 0) out = out.split(secret).join('***')
  }
  // A connection string with a password, whatever produced it: keep the user, hide the password.
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, '$1***@')
}
