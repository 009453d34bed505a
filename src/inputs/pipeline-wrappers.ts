import { compileChannelFilter } from '../channels/filter-change.js'
import { reverseMetadataFilter, reverseMetadataSchema, type ReverseMetadata } from '../channels/reverse-metadata.js'
import type { Change } from '../model/change.js'
import { isRecord, malformed } from './input-errors.js'

/** The pipeline inside whatever OpenMetadata wrapped it in, and the ReverseMetadata settings when it had them. */
export interface UnwrappedPipeline {
  readonly pipeline: unknown
  /** How it came: a bare ReverseIngestionPipeline, an automations Workflow, a ReverseMetadata pipeline, an IngestionPipeline. */
  readonly wrapper: 'ReverseIngestion' | 'Workflow' | 'ReverseMetadata' | 'IngestionPipeline'
  readonly settings?: ReverseMetadata
}

/**
 * OpenMetadata hands a reverse ingestion pipeline over in several forms:
 * - the ReverseIngestionPipeline itself (`type: ReverseIngestion`, `service`, `operations`);
 * - the automations Workflow that carries it (entity/automations/workflow.json: `workflowType:
 *   REVERSE_INGESTION`, the pipeline under `request`);
 * - the ReverseMetadata agent pipeline (reverseMetadataPipeline.json: sync toggles, filter
 *   patterns, `operations`), alone or as an IngestionPipeline's `sourceConfig.config`.
 * Throws INPUT_MALFORMED naming the field when the wrapper is not one of these.
 */
export function unwrapPipeline(json: unknown): UnwrappedPipeline {
  if (!isRecord(json)) throw malformed('', 'the pipeline is not a JSON object')
  if (json.workflowType !== undefined) {
    if (json.workflowType !== 'REVERSE_INGESTION') {
      throw malformed('workflowType', `the workflow is of type ${JSON.stringify(json.workflowType)}; only REVERSE_INGESTION workflows carry reverse metadata`)
    }
    if (!isRecord(json.request)) throw malformed('request', 'a REVERSE_INGESTION workflow carries its pipeline under request, and it has none')
    const inner = unwrapPipeline(json.request)
    return { ...inner, wrapper: 'Workflow' }
  }
  if (isRecord(json.sourceConfig) && isRecord(json.sourceConfig.config)) {
    const config = json.sourceConfig.config
    // The IngestionPipeline names the service; the config inside may leave it out.
    const withService = config.service == null && json.service != null ? { ...config, service: json.service } : config
    const inner = unwrapPipeline(withService)
    return { ...inner, wrapper: 'IngestionPipeline' }
  }
  if (json.type === 'ReverseMetadata') {
    const parsed = reverseMetadataSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw malformed(issue?.path.join('.') ?? '', `the ReverseMetadata pipeline is malformed: ${issue?.message ?? 'invalid'}`)
    }
    return { pipeline: { service: json.service, operations: parsed.data.operations ?? [] }, wrapper: 'ReverseMetadata', settings: parsed.data }
  }
  return { pipeline: json, wrapper: 'ReverseIngestion' }
}

const toggles = { description: 'syncDescriptions', tags: 'syncTags', owners: 'syncOwners' } as const

/**
 * The ReverseMetadata toggles and filter patterns applied to the pipeline's changes, as
 * OpenMetadata's agent applies them: a change whose kind is switched off, or whose asset the
 * patterns leave out, is not made, and is counted by reason.
 */
export function applyReverseMetadata(changes: readonly Change[], settings: ReverseMetadata, count: (reason: string) => void): Change[] {
  let accepts: (change: Change) => boolean
  try {
    const matcher = compileChannelFilter(reverseMetadataFilter(settings))
    accepts = (change) => matcher.acceptsAsset(change.asset)
  } catch (error) {
    throw malformed('filterPattern', `the ReverseMetadata filter patterns do not compile: ${(error as Error).message}`, error)
  }
  return changes.filter((change) => {
    const toggle = toggles[change.kind]
    if (!settings[toggle]) {
      count(`${toggle}: false`)
      return false
    }
    if (!accepts(change)) {
      count('filtered out by the pipeline\'s filter patterns')
      return false
    }
    return true
  })
}
