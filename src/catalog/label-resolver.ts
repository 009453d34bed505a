import type { SqlExecutor } from '../store/sql-runner.js'
import { encodeStoreText } from '../store/store-text.js'
import type { OmEntityReference, OmTagLabel } from '../openmetadata/om-types.js'
import { badRequest, notFound } from './catalog-error.js'
import type { CatalogTables } from './catalog-tables.js'
import { decodeRow, isTrue, quoteName } from './directory-rows.js'
import { entityIdKey } from './entity-store.js'
import { entityReference, isRecord, sortTags, tagLabel } from './om-json.js'
import { paramChunks, placeholders } from './sql-lists.js'

interface TagRow {
  fqn: string
  name: string
  description: string | null
  classification: string
  mutually_exclusive: boolean | number
}

interface PrincipalRow {
  id: string
  name: string
  display_name: string | null
}

/**
 * Turns the tag labels and owner references of a patched entity into the catalog's own: a
 * Classification tag must exist in the catalog, an owner must be a catalog user or team, and
 * each comes back filled in (name, fullyQualifiedName, id) as OpenMetadata stores it.
 */
export class LabelResolver {
  constructor(
    private readonly ex: SqlExecutor,
    private readonly t: CatalogTables,
  ) {}

  async tags(value: unknown, field: string): Promise<OmTagLabel[]> {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) throw badRequest(`${field} must be a list of tag labels`)
    const wanted = new Map<string, Record<string, unknown>>()
    for (const [i, item] of value.entries()) {
      if (!isRecord(item) || typeof item.tagFQN !== 'string' || item.tagFQN.length === 0) throw badRequest(`${field}[${i}] is not a tag label: it needs a tagFQN`)
      if (item.source === 'Glossary') throw badRequest(`${field}[${i}]: glossary term ${item.tagFQN} cannot be applied: the built-in catalog has no glossaries`)
      if (item.source !== undefined && item.source !== null && item.source !== 'Classification') throw badRequest(`${field}[${i}]: unknown tag source ${JSON.stringify(item.source)}`)
      if (!wanted.has(item.tagFQN)) wanted.set(item.tagFQN, item)
    }
    if (wanted.size === 0) return []
    const known = new Map<string, TagRow>()
    for (const slice of paramChunks([...wanted.keys()], 1)) {
      const rows = await this.ex.query<TagRow>(
        `SELECT t.fqn, t.name, t.description, c.name AS classification, c.mutually_exclusive
           FROM ${this.t.tags} t JOIN ${this.t.classifications} c ON c.id = t.classification_id
          WHERE t.fqn IN (${placeholders(1, slice.length)})`,
        slice.map(encodeStoreText),
      )
      for (const r of rows.map(decodeRow)) known.set(r.fqn, r)
    }
    const byClassification = new Map<string, string>()
    const out: OmTagLabel[] = []
    for (const [fqn, item] of wanted) {
      const row = known.get(fqn)
      if (row === undefined) throw notFound('tag', fqn)
      if (isTrue(row.mutually_exclusive)) {
        const other = byClassification.get(row.classification)
        if (other !== undefined) throw badRequest(`Tag labels ${other} and ${fqn} are mutually exclusive and can't be assigned together`)
        byClassification.set(row.classification, fqn)
      }
      out.push(
        tagLabel({
          tagFQN: fqn,
          name: row.name,
          ...(row.description ? { description: row.description } : {}),
          source: 'Classification',
          ...(typeof item.labelType === 'string' ? { labelType: item.labelType } : {}),
          ...(typeof item.state === 'string' ? { state: item.state } : {}),
        }),
      )
    }
    return sortTags(out)
  }

  async owners(value: unknown): Promise<OmEntityReference[]> {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) throw badRequest('owners must be a list of entity references')
    const out: OmEntityReference[] = []
    for (const [i, item] of value.entries()) {
      if (!isRecord(item) || typeof item.type !== 'string') throw badRequest(`owners[${i}] is not an entity reference: it needs a type (user or team)`)
      const type = item.type.toLowerCase()
      if (type !== 'user' && type !== 'team') throw badRequest(`owners[${i}]: an owner is a user or a team, not a ${item.type}`)
      const ref = await this.principal(type, item)
      if (ref === undefined) {
        const key = [item.name, item.fullyQualifiedName, item.id].find((v) => typeof v === 'string') as string | undefined
        if (key === undefined) throw badRequest(`owners[${i}] names no ${type}: give its id or name`)
        throw notFound(type, key)
      }
      if (!out.some((o) => o.type === ref.type && o.id === ref.id)) out.push(ref)
    }
    return out
  }

  private async principal(type: 'user' | 'team', item: Record<string, unknown>): Promise<OmEntityReference | undefined> {
    const table = type === 'user' ? this.t.users : this.t.teams
    const id = typeof item.id === 'string' ? entityIdKey(item.id) : undefined
    const name = typeof item.name === 'string' ? item.name : typeof item.fullyQualifiedName === 'string' ? unquote(item.fullyQualifiedName) : null
    if (id === undefined && name === null) return undefined
    const where: string[] = []
    const params: string[] = []
    if (id !== undefined) where.push(`id = $${params.push(id)}`)
    if (name !== null) where.push(`name = $${params.push(encodeStoreText(name))}`)
    const rows = (await this.ex.query<PrincipalRow>(`SELECT id, name, display_name FROM ${table} WHERE ${where.join(' OR ')}`, params)).map(decodeRow)
    // The id wins over the name when they name two different principals.
    const row = rows.find((r) => r.id === id) ?? rows[0]
    if (row === undefined) return undefined
    return entityReference({ id: row.id, type, name: row.name, fullyQualifiedName: quoteName(row.name), ...(row.display_name ? { displayName: row.display_name } : {}) })
  }
}

function unquote(fqn: string): string {
  return fqn.length > 1 && fqn.startsWith('"') && fqn.endsWith('"') ? fqn.slice(1, -1) : fqn
}
