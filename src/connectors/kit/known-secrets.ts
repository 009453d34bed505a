import { readPasswordFile } from './password-file.js'

/**
 * The secret values a client has seen (the configured password, each one read from a password
 * file), so that they can be blanked out of any message built from a driver's or a server's text.
 */
export class KnownSecrets {
  private readonly values: string[] = []

  constructor(...initial: (string | undefined)[]) {
    for (const value of initial) this.add(value)
  }

  add(value: string | undefined): void {
    if (value !== undefined && value.length > 0 && !this.values.includes(value)) this.values.push(value)
  }

  /** Reads a password (or other secret) file and remembers what it held; `key` names the option in a message. */
  async readPasswordFile(file: string, key?: string): Promise<string> {
    const password = await readPasswordFile(file, key)
    this.add(password)
    return password
  }

  get list(): readonly string[] {
    return this.values
  }
}
