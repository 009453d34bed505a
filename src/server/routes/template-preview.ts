import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { run } from '../../engine/run.js'
import { parseFqn } from '../../model/fqn.js'
import type { AssetRef } from '../../model/asset.js'
import type { Change } from '../../model/change.js'
import { errorReport } from '../../model/report.js'
import { isRevmetaError } from '../../errors/revmeta-error.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'

const levelsByParts: Record<number, AssetRef['level']> = { 2: 'database', 3: 'schema', 4: 'table', 5: 'column' }

const previewBody = z.strictObject({
  channel: z.record(z.string(), z.unknown()),
  kind: z.enum(['description', 'tags', 'owners']).default('description'),
  asset: z.string().min(1).max(4000),
  /** The description, tag FQN or owner name to render with. */
  value: z.string().max(100_000).default('An example description'),
})

function changeFor(kind: 'description' | 'tags' | 'owners', asset: AssetRef, value: string): Change {
  const origin = { source: 'event' as const, index: 0 }
  if (kind === 'description') return { kind, asset, origin, after: value }
  if (kind === 'tags') return { kind, asset, origin, added: [{ tagFQN: value, source: 'Classification' }], removed: [] }
  return { kind, asset, origin, added: [{ type: 'user', name: value }], removed: [] }
}

/**
 * The Set up page's live preview: the channel as edited (not saved) rendered for one asset, offline
 * (no database is touched). A template error comes back with its line and column.
 */
export async function templatePreviewRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const live = context.live!
  app.post('/api/v1/revmeta/template-preview', async (request) => {
    const input = requestInput(previewBody, request.body, 'preview request')
    let channel
    try {
      channel = live.resolve({ ...input.channel, name: typeof input.channel.name === 'string' && input.channel.name !== '' ? input.channel.name : 'preview' })
    } catch (error) {
      if (isRevmetaError(error)) return { ok: false, error: errorReport(error) }
      throw error
    }
    const parts = parseFqn(input.asset)
    const level = levelsByParts[parts.length]
    if (level === undefined) return { ok: false, error: { code: 'FQN_INVALID', message: 'The asset is service.database[.schema[.table[.column]]].', retryable: false } }
    const [service, database, schema, table, column] = parts
    const asset: AssetRef = { level, service: service!, database: database!, schema, table, column }
    const config = { ...live.config, channels: [channel], warnings: [] }
    const report = await run(config, { items: 1, normalized: { changes: [changeFor(input.kind, asset, input.value)], ignored: {}, errors: [] } }, { apply: false, offline: true })
    const op = report.operations[0]
    if (op === undefined) return { ok: false, filtered: 'The channel does not take this change: its services, filter or sync toggles leave it out.', ignored: report.input.ignored }
    return { ok: op.error === undefined, statements: op.statements, status: op.status, warnings: op.warnings, ...(op.error ? { error: op.error } : {}) }
  })
}
