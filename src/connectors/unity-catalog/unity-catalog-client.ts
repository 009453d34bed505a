import { RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import type { ClientContext, ConnectorClient, ObjectState, StateSnapshot, Statement } from '../connector.js'
import { groupReadBackTargets } from '../kit/read-back-targets.js'
import { DatabricksClient } from '../databricks/databricks-client.js'
import { AskedNames, databricksSnapshot } from '../databricks/databricks-read-back.js'
import type { UnityCatalogConnection } from './unity-catalog-connection.js'
import { unityCatalogEndpoint } from './unity-catalog-dialect.js'
import { catalogPath, jsonList, listPath, unityCatalogRows } from './unity-catalog-read-back.js'

export async function createUnityCatalogClient(connection: UnityCatalogConnection, context: ClientContext): Promise<ConnectorClient> {
  return new UnityCatalogClient(connection, context)
}

/** Listings stop here even if the API keeps handing out page tokens: a loop guard, not a limit anyone meets. */
const maxPages = 10_000

/**
 * Unity Catalog: REST requests go to the workspace's `/api/2.1/unity-catalog`, SQL to the
 * warehouse as in Databricks. Read-back takes comments and owners from REST (the catalog, its
 * schemas in one paged listing, each schema's tables with their columns in one paged listing)
 * and tags from information_schema, which REST does not list.
 */
class UnityCatalogClient extends DatabricksClient {
  constructor(
    private readonly uc: UnityCatalogConnection,
    context: ClientContext,
  ) {
    super(uc, context, 'unity-catalog')
  }

  protected override async send(route: string, statement: Statement): Promise<void> {
    if (statement.kind === 'sql') return super.send(route, statement)
    if (statement.endpoint !== unityCatalogEndpoint || route !== unityCatalogEndpoint) throw new RevmetaError('INTERNAL', `A request for endpoint ${JSON.stringify(statement.endpoint)} was sent with the units of ${JSON.stringify(route)}`)
    await this.http.request(statement.method, statement.path, statement.body)
  }

  override async readBack(assets: readonly AssetRef[]): Promise<StateSnapshot> {
    const snapshot = new Map<string, ObjectState>()
    const names = new AskedNames(assets)
    for (const [catalog, schemas] of groupReadBackTargets(assets)) {
      let catalogInfo: Record<string, unknown>
      try {
        catalogInfo = await this.http.request('GET', catalogPath(catalog))
      } catch (error) {
        if (error instanceof RevmetaError && error.code === 'OBJECT_NOT_FOUND') continue
        throw error
      }
      const asked = new Set([...schemas].map((s) => s.toLowerCase()))
      const schemaList = asked.size === 0 ? [] : (await this.list('schemas', catalog, undefined)).filter((s) => asked.has(String(s.name).toLowerCase()))
      const tables = []
      for (const schema of schemaList) tables.push(...(await this.list('tables', catalog, String(schema.name))))
      const tagRows = await this.readCatalog(catalog, [...schemas], asked.size === 0 ? ['catalogTags'] : ['catalogTags', 'schemaTags', 'tableTags', 'columnTags'])
      databricksSnapshot(snapshot, this.context.service, catalog, { ...unityCatalogRows(catalogInfo, schemaList, tables), ...tagRows }, names)
    }
    return snapshot
  }

  /** Every page of a listing. */
  private async list(kind: 'schemas' | 'tables', catalog: string, schema: string | undefined): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = []
    let token: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.http.request('GET', listPath(kind, catalog, schema, this.uc.pageSize, token))
      out.push(...jsonList(answer[kind]))
      token = typeof answer.next_page_token === 'string' && answer.next_page_token !== '' ? answer.next_page_token : undefined
      if (token === undefined) break
    }
    return out
  }
}
