import { readFile } from 'node:fs/promises'
import { RevmetaError } from '../../errors/revmeta-error.js'

/**
 * Reads a password file at connect time (so a rotated secret is picked up), dropping one trailing
 * newline. The file's content never reaches a message; only its path does.
 */
export async function readPasswordFile(file: string, key = 'passwordFile'): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new RevmetaError('CONNECTION_FAILED', `Cannot read ${key} ${file} (${why})`, { retryable: false, details: { [key]: file } })
  }
  return text.replace(/\r?\n$/, '')
}
