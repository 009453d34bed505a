import { z } from 'zod'
import { intField } from '../kit/config-fields.js'
import { checkWorkspaceAuth, workspaceFields } from '../databricks/databricks-connection.js'

/**
 * A Unity Catalog metastore through its workspace: the Databricks fields (the Statement Execution
 * API runs what REST cannot change, and reads tags), and the page size of REST listings.
 */
export const unityCatalogConnectionSchema = z
  .strictObject({
    ...workspaceFields,
    /** Objects per page of a REST listing (schemas, tables with their columns). */
    pageSize: intField(1, 1000).default(100),
  })
  .superRefine(checkWorkspaceAuth)

export type UnityCatalogConnection = z.output<typeof unityCatalogConnectionSchema>
