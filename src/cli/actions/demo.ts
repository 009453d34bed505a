import { rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Table from 'cli-table3'
import { loadConfig } from '../../config/load-config.js'
import { loadConnector } from '../../connectors/registry.js'
import { run } from '../../engine/run.js'
import { parseFqn } from '../../model/fqn.js'
import { exitCodeFor } from '../exit-codes.js'
import { loadInput } from '../load-input.js'
import { formatReport } from '../print-report.js'
import type { AssetRef } from '../../model/asset.js'

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/demo')

function section(title: string): void {
  process.stdout.write(`\n== ${title} ${'='.repeat(Math.max(0, 74 - title.length))}\n\n`)
}

function assetOf(fqn: string, level: AssetRef['level']): AssetRef {
  const [service, database, schema, table, column] = parseFqn(fqn)
  return { level, service: service!, database: database!, schema, table, column }
}

/** The main job on embedded defaults: no server, an in-process PGlite seeded with a sample shop. */
export async function demo(options: { dir: string }): Promise<number> {
  const dataDir = path.resolve(options.dir)
  await rm(dataDir, { recursive: true, force: true })
  const configFile = path.join(examples, 'revmeta.yaml')
  const eventsFile = path.join(examples, 'events.json')
  const config = await loadConfig(configFile, { ...process.env, REVMETA_DEMO_DIR: dataDir })
  process.stdout.write(`revmeta demo: ${path.relative(process.cwd(), eventsFile)} (OpenMetadata change events) → PGlite at ${path.relative(process.cwd(), dataDir) || '.'}\n`)

  section('1. plan: what the events ask for, checked against the database')
  const input = await loadInput({ events: eventsFile })
  const plan = await run(config, input, { apply: false, offline: false })
  process.stdout.write(`${formatReport(plan)}\n`)

  section('2. apply: write, then read back to verify')
  const applied = await run(config, input, { apply: true, offline: false })
  process.stdout.write(`${formatReport(applied)}\n`)

  section('3. apply again: everything is already in place')
  const again = await run(config, input, { apply: true, offline: false })
  process.stdout.write(`${again.mode}: ${Object.entries(again.summary).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')}\n`)

  section('4. what the database holds now')
  const service = config.services[0]!
  const connector = (await loadConnector(service.type))!
  const dialect = connector.createDialect(service.connection)
  const client = await connector.createClient(service.connection, { service: service.name, dialect })
  try {
    const seen = new Map(applied.operations.map((op) => [op.asset, op.level]))
    const state = await client.readBack([...seen].map(([fqn, level]) => assetOf(fqn, level)))
    const table = new Table({ head: ['asset', 'type', 'owner', 'description'], style: { head: [], border: [] }, colWidths: [48, 19, 18, 60], wordWrap: true })
    for (const fqn of [...seen.keys()].sort()) {
      const s = state.get(fqn)
      table.push([fqn, s?.objectType ?? 'missing', s?.owner ?? '', s?.description ?? ''])
    }
    process.stdout.write(`${table.toString()}\n`)
  } finally {
    await client.close()
  }
  process.stdout.write(`\nNext: revmeta apply --config <your config> --events <your events> (see README.md).\n`)
  return exitCodeFor(applied)
}

