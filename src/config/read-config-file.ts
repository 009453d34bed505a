import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { RevmetaError } from '../errors/revmeta-error.js'

/** CONFIG_INVALID listing every problem found, one per line. */
export function invalidConfig(lines: readonly string[], source: string): RevmetaError {
  return new RevmetaError('CONFIG_INVALID', `Invalid configuration ${source}:\n  ${lines.join('\n  ')}`, { details: { source } })
}

/** The parsed YAML tree of a configuration file, not yet validated; CONFIG_UNREADABLE when it cannot be read or parsed. */
export async function readConfigTree(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new RevmetaError('CONFIG_UNREADABLE', `Cannot read configuration ${file}: ${(cause as Error).message}`, { cause, details: { source: file } })
  }
  try {
    return parseYaml(text)
  } catch (cause) {
    throw new RevmetaError('CONFIG_UNREADABLE', `Configuration ${file} is not valid YAML: ${(cause as Error).message}`, { cause, details: { source: file } })
  }
}
