import { RevmetaError } from '../../errors/revmeta-error.js'
import { apiStatement, type ApiStatement } from '../../model/statement.js'
import type { Capabilities, DescriptionRenderer, Dialect, ObjectTarget, OwnerRenderer, TagChange, TagRenderer } from '../connector.js'
import { capabilitiesOf } from '../connector.js'
import { applyChanges, changedFields, valueAt, type FieldChange, type FieldPath } from './athena-edit.js'
import { parseAthenaDefinition, writableKinds, type AthenaDefinition } from './athena-definition.js'
import { checkGlueText, glueLimits } from './athena-text.js'

export interface AthenaDialectOptions {
  /** Tags live in Parameters under this key prefix. */
  readonly tagPrefix: string
  /** The Data Catalog's account id, sent with every request when configured. */
  readonly catalogId?: string
}

/** The Glue actions a plan shows, as `POST AWSGlue.<Action> {body}` (JSON 1.1: POST / with X-Amz-Target). */
export const glueActions = { updateTable: 'AWSGlue.UpdateTable', updateDatabase: 'AWSGlue.UpdateDatabase' } as const

/** The endpoint every Glue request goes to: the one Glue client of the service. */
export const glueEndpoint = 'glue'

/**
 * Athena through the Glue Data Catalog API: no SQL, no escaping, JSON requests. OpenMetadata's
 * Athena database is the Data Catalog itself (it has no description), its schemas are Glue
 * databases. Every request is a whole-object update (UpdateTable, UpdateDatabase): with what was
 * read back (`definition`), the body is the complete input with one thing changed, and for tables
 * the VersionId it was read at; offline, the body holds only the changed fields.
 */
export class AthenaDialect implements Dialect {
  readonly name = 'athena'
  private readonly options: AthenaDialectOptions

  readonly description: DescriptionRenderer = {
    levels: ['schema', 'table', 'column'],
    maxLength: { schema: { max: glueLimits.description, unit: 'characters' }, table: { max: glueLimits.description, unit: 'characters' }, column: { max: glueLimits.comment, unit: 'characters' } },
    render: (target, value) => [this.request(target, () => this.descriptionChanges(target, value ?? undefined))],
  }

  readonly tags: TagRenderer = {
    levels: ['schema', 'table', 'column'],
    maxValueLength: { max: glueLimits.parameterValue, unit: 'characters' },
    render: (target, change) => [this.request(target, (base) => this.tagChanges(target, change, base))],
  }

  readonly owners: OwnerRenderer = {
    levels: ['table'],
    cardinality: 'one',
    render: (target, principal) => [this.request(target, () => this.ownerChanges(target, principal))],
  }

  constructor(options: Partial<AthenaDialectOptions> = {}) {
    this.options = { tagPrefix: 'openmetadata.tag.', ...options }
  }

  get capabilities(): Capabilities {
    return capabilitiesOf(this)
  }

  /** Athena DDL quoting (Hive), for custom templates only: revmeta itself sends no SQL here. */
  quoteIdentifier(name: string): string {
    checkGlueText(name, 'name', 'identifier')
    return `\`${name.replaceAll('`', '``')}\``
  }

  /** A Hive string literal (backslash escapes), for custom templates only. */
  quoteLiteral(value: string): string {
    checkGlueText(value, 'parameter', 'value')
    return `'${value.replace(/[\\']/g, (char) => `\\${char}`).replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`
  }

  sessionSetup(): string[] {
    return []
  }

  /** The Parameters key a tag is kept under. */
  tagKey(key: string): string {
    const full = `${this.options.tagPrefix}${key}`
    checkGlueText(full, 'parameterKey', 'tag key')
    return full
  }

  private descriptionChanges(target: ObjectTarget, value: string | undefined): FieldChange[] {
    const { level } = target.asset
    if (value !== undefined) checkGlueText(value, level === 'column' ? 'comment' : 'description', 'description')
    if (level === 'column') return [{ path: ['column', target.asset.column!, 'Comment'], value }]
    // A table's console shows Description, Hive and Spark read Parameters.comment: both say the
    // same. A Glue database has its Description alone (Hive's database comment).
    const changes: FieldChange[] = [{ path: ['Description'], value }]
    if (level === 'table') changes.push({ path: ['Parameters', 'comment'], value })
    return changes
  }

  private tagChanges(target: ObjectTarget, { add, remove }: TagChange, base: AthenaDefinition | undefined): FieldChange[] {
    for (const tag of add) checkGlueText(tag.value, 'parameter', 'tag value')
    const at = (key: string): FieldPath => (target.asset.level === 'column' ? ['column', target.asset.column!, 'Parameters', this.tagKey(key)] : ['Parameters', this.tagKey(key)])
    const added = new Map(add.map((tag) => [tag.key, tag.value]))
    const changes: FieldChange[] = [...added].map(([key, value]) => ({ path: at(key), value }))
    for (const tag of remove) {
      if (added.has(tag.key)) continue
      // Only the value the catalog removed is taken away: a key holding another value stays.
      const path = at(tag.key)
      if (base === undefined || valueAt(base.input, path) === tag.value) changes.push({ path, value: undefined })
    }
    return changes
  }

  private ownerChanges(target: ObjectTarget, principal: string): FieldChange[] {
    checkGlueText(principal, 'owner', 'owner')
    if (target.asset.level !== 'table') throw this.unsupported(target, 'Only Glue tables have an Owner')
    return [{ path: ['Owner'], value: principal }]
  }

  /** One whole-object update: the complete input when the object was read, the changed fields alone offline. */
  private request(target: ObjectTarget, changesFor: (base: AthenaDefinition | undefined) => FieldChange[]): ApiStatement {
    const { asset } = target
    const base = parseAthenaDefinition(target.definition)
    if (base !== undefined && !writableKinds.has(base.kind)) throw this.unsupported(target, `A Glue ${base.kind.replaceAll('_', ' ')} is not changed through UpdateTable`)
    const changes = changesFor(base)
    const catalog = this.options.catalogId !== undefined ? { CatalogId: this.options.catalogId } : {}
    if (asset.level === 'schema') {
      const input = base !== undefined ? applyChanges(base.input, changes) : changedFields(asset.schema!, changes)
      return apiStatement({ endpoint: glueEndpoint, method: 'POST', path: glueActions.updateDatabase, body: { ...catalog, Name: asset.schema!, DatabaseInput: input } })
    }
    if (asset.level === 'database') throw this.unsupported(target, 'The Data Catalog itself holds no metadata')
    const head = { ...catalog, DatabaseName: asset.schema!, Name: asset.table!, SkipArchive: true }
    if (base === undefined) return apiStatement({ endpoint: glueEndpoint, method: 'POST', path: glueActions.updateTable, body: { ...head, TableInput: changedFields(asset.table!, changes) } })
    const version = base.version !== undefined ? { VersionId: base.version } : {}
    return apiStatement({ endpoint: glueEndpoint, method: 'POST', path: glueActions.updateTable, body: { ...head, ...version, TableInput: applyChanges(base.input, changes) } })
  }

  private unsupported(target: ObjectTarget, why: string): RevmetaError {
    return new RevmetaError('UNSUPPORTED', `${why} (athena)`, { details: { engine: this.name, level: target.asset.level, objectType: target.objectType } })
  }
}
