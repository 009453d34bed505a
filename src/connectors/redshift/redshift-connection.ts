import type { z } from 'zod'
import { postgresProtocolConnectionSchema } from '../postgres/postgres-connection.js'

/** As PostgreSQL's, with Redshift's defaults: port 5439 and the `dev` database of every new cluster. */
export const redshiftConnectionSchema = postgresProtocolConnectionSchema({ port: 5439, database: 'dev' })

export type RedshiftConnection = z.output<typeof redshiftConnectionSchema>
