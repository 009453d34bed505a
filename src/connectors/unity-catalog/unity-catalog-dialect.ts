import { apiStatement } from '../../model/statement.js'
import type { ObjectTarget, Statement } from '../connector.js'
import { DatabricksDialect } from '../databricks/databricks-dialect.js'

/** The endpoint name of Unity Catalog's REST API in API statements (the client maps it to the workspace). */
export const unityCatalogEndpoint = 'unity-catalog'
export const unityCatalogApi = '/api/2.1/unity-catalog'

/**
 * Unity Catalog: the Databricks dialect, except where the REST API can make the change itself
 * (dialects.md §10): catalog and schema comments and owners, and table owners (PATCH on tables
 * changes nothing else). Table and column comments and every tag stay SQL, run through the
 * Statement Execution API. Unity Catalog stores names in lowercase, so REST paths name objects
 * in lowercase; SQL names are matched case-insensitively by Databricks anyway. A name the REST
 * API cannot address (a `.` inside a part would split its full name) is written through SQL.
 */
export class UnityCatalogDialect extends DatabricksDialect {
  override readonly name: string = 'unity-catalog'

  override renderDescription(target: ObjectTarget, description: string | null): Statement[] {
    const { level } = target.asset
    const resource = level === 'database' ? 'catalogs' : level === 'schema' ? 'schemas' : undefined
    if (resource === undefined || !addressable(target)) return super.renderDescription(target, description)
    // Checked as SQL would be: a NUL or lone surrogate is refused, not sent.
    if (description !== null) this.quoteLiteral(description)
    return [this.patch(target, resource, { comment: description ?? '' })]
  }

  override renderOwner(target: ObjectTarget, principal: string): Statement[] {
    const { level } = target.asset
    if (level === 'column' || !addressable(target)) return super.renderOwner(target, principal)
    this.objectKeyword(target, 'owners')
    this.quoteIdentifier(principal)
    const resource = level === 'database' ? 'catalogs' : level === 'schema' ? 'schemas' : 'tables'
    return [this.patch(target, resource, { owner: principal })]
  }

  private patch(target: ObjectTarget, resource: string, body: Record<string, string>): Statement {
    // The names pass the checks SQL would make of them (NUL, lone surrogates, length) before they reach a path.
    this.objectName(target)
    return apiStatement({ endpoint: unityCatalogEndpoint, method: 'PATCH', path: `${unityCatalogApi}/${resource}/${encodeURIComponent(fullName(target))}`, body })
  }
}

/** `catalog`, `catalog.schema` or `catalog.schema.table`, lowercase as Unity Catalog stores it. */
export function fullName(target: ObjectTarget): string {
  const { asset } = target
  return [asset.database, asset.schema, asset.table]
    .filter((part) => part !== undefined)
    .map((part) => part.toLowerCase())
    .join('.')
}

function addressable(target: ObjectTarget): boolean {
  const { asset } = target
  return [asset.database, asset.schema, asset.table].every((part) => part === undefined || (!part.includes('.') && part.length > 0))
}
