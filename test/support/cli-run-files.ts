import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { stringify } from 'yaml'

/**
 * Writes what a `revmeta apply` child process reads: `revmeta.yaml` with the given services and
 * one channel that syncs every kind, and `events.json` with the events. Returns both paths.
 */
export async function writeCliRunFiles(dir: string, services: readonly Record<string, unknown>[], events: readonly unknown[]): Promise<{ config: string; events: string }> {
  const config = path.join(dir, 'revmeta.yaml')
  await writeFile(config, stringify({ services, channels: [{ name: 'everything', sync: { descriptions: true, tags: true, owners: true } }] }))
  const eventsFile = path.join(dir, 'events.json')
  await writeFile(eventsFile, JSON.stringify(events))
  return { config, events: eventsFile }
}
