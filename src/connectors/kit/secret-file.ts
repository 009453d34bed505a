import { readFile } from 'node:fs/promises'
import { RevmetaError } from '../../errors/revmeta-error.js'

/**
 * Reads a secret (a token, a passphrase) from a file at connect time, so a rotated one is picked
 * up; one trailing newline is dropped. The content never reaches a message, only the key and path.
 */
export async function readSecretFile(file: string, key: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '')
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new RevmetaError('CONNECTION_FAILED', `Cannot read ${key} ${file} (${why})`, { retryable: false, details: { [key]: file } })
  }
}
