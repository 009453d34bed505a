import { z } from 'zod'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { Change, ChangeOrigin } from '../model/change.js'
import { parseEntityLink } from '../model/entity-link.js'
import { ChangeAccumulator } from './change-accumulator.js'
import { atField, idOf, locateError, malformed } from './input-errors.js'
import { parseOwnerRefs, parseTagLabels } from './label-values.js'
import { countIgnored, emptyNormalizeResult, type NormalizeResult } from './normalize-result.js'
import { applyReverseMetadata, unwrapPipeline } from './pipeline-wrappers.js'

/**
 * OpenMetadata's ReverseIngestionPipeline (metadataIngestion/reverseIngestionPipeline.json).
 * Parameters stay loose here: their shape depends on the operation type, checked per type below.
 */
const operationSchema = z.looseObject({
  id: z.string().nullish(),
  entityLink: z.string().min(1),
  type: z.string().min(1),
  SQLTemplate: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
})

const pipelineSchema = z.looseObject({
  type: z.literal('ReverseIngestion').optional(),
  service: z.union([z.string(), z.looseObject({ name: z.string().nullish(), fullyQualifiedName: z.string().nullish() })]).nullish(),
  operations: z.array(z.unknown()),
})

type Operation = z.infer<typeof operationSchema>

/**
 * Never throws: a malformed operation becomes one error naming its index, id and field; the others
 * still count. Takes the pipeline bare or as OpenMetadata wraps it (pipeline-wrappers.ts); a
 * ReverseMetadata pipeline's toggles and filter patterns decide which changes are made.
 */
export function normalizePipeline(json: unknown): NormalizeResult {
  const result = emptyNormalizeResult()
  let unwrapped: ReturnType<typeof unwrapPipeline>
  try {
    unwrapped = unwrapPipeline(json)
  } catch (error) {
    result.errors.push(locateError(error, 'Pipeline', 0, idOf(json)))
    return result
  }
  normalizeBare(unwrapped.pipeline, result)
  if (unwrapped.settings) {
    const settings = unwrapped.settings
    try {
      result.changes = applyReverseMetadata(result.changes, settings, (reason) => countIgnored(result, reason))
    } catch (error) {
      result.changes = []
      result.errors.push(locateError(error, 'Pipeline', 0, idOf(json)))
    }
  }
  return result
}

function normalizeBare(json: unknown, result: NormalizeResult): void {
  const pipeline = pipelineSchema.safeParse(json)
  if (!pipeline.success) {
    const issue = pipeline.error.issues[0]
    const field = issue?.path.join('.') ?? ''
    result.errors.push(
      new RevmetaError('INPUT_MALFORMED', `The reverse ingestion pipeline is malformed: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`, {
        details: { field },
      }),
    )
    return
  }
  result.items = pipeline.data.operations.length
  const service = serviceName(pipeline.data.service)
  pipeline.data.operations.forEach((raw, index) => {
    try {
      const outcome = normalizeOperation(raw, index, service)
      result.changes.push(...outcome.changes)
      for (const reason of outcome.ignored) countIgnored(result, reason)
      if (outcome.template !== undefined) (result.templates ??= {})[index] = outcome.template
    } catch (error) {
      result.errors.push(locateError(error, 'Operation', index, idOf(raw)))
    }
  })
}

function normalizeOperation(raw: unknown, index: number, service: string | undefined): { changes: Change[]; ignored: string[]; template?: string } {
  const parsed = operationSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') ?? ''
    throw malformed(field, issue?.message ?? 'the operation does not match the reverse ingestion schema')
  }
  const operation = parsed.data
  const link = atField('entityLink', () => parseEntityLink(operation.entityLink))
  if (service !== undefined && link.asset.service !== service) {
    throw malformed('entityLink', `the entity link names service ${JSON.stringify(link.asset.service)}, but the pipeline is for service ${JSON.stringify(service)}`)
  }
  const accumulator = new ChangeAccumulator(originOf(operation, index))
  const params = operation.parameters ?? {}
  switch (operation.type) {
    case 'UPDATE_DESCRIPTION':
      accumulator.description(
        link.asset,
        descriptionParam(params.newDescription, 'parameters.newDescription') ?? null,
        descriptionParam(params.previousDescription, 'parameters.previousDescription'),
        false,
      )
      break
    case 'UPDATE_TAGS':
      accumulator.tags(link.asset, parseTagLabels(params.addedTags, 'parameters.addedTags'), parseTagLabels(params.removedTags, 'parameters.removedTags'))
      break
    case 'UPDATE_OWNER':
      accumulator.owners(link.asset, parseOwnerRefs(params.addedOwners, 'parameters.addedOwners'), parseOwnerRefs(params.removedOwners, 'parameters.removedOwners'))
      break
    default:
      return { changes: [], ignored: [`operationType:${operation.type}`] }
  }
  const built = accumulator.build()
  const outcome = { changes: built.changes, ignored: built.empty.map((kind) => `noEffect:${kind}`) }
  return operation.SQLTemplate != null && operation.SQLTemplate.trim() !== '' ? { ...outcome, template: operation.SQLTemplate } : outcome
}

/** Absent means "not said" (undefined); null means "no description". */
function descriptionParam(value: unknown, field: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value
  throw malformed(field, `a description must be a string, not ${typeof value}`)
}

function serviceName(service: z.infer<typeof pipelineSchema>['service']): string | undefined {
  if (service == null) return undefined
  if (typeof service === 'string') return service
  return service.name ?? service.fullyQualifiedName ?? undefined
}

function originOf(operation: Operation, index: number): ChangeOrigin {
  return operation.id != null ? { source: 'pipeline', index, eventId: operation.id } : { source: 'pipeline', index }
}
