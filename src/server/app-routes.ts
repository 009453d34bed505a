import type { FastifyInstance } from 'fastify'
import type { ServerContext } from './server-context.js'
import { channelRoutes } from './routes/channels.js'
import { deadLetterRoutes } from './routes/dead-letters.js'
import { rollbackRoutes } from './routes/rollback.js'
import { runNowRoutes } from './routes/run-now.js'
import { runRoutes } from './routes/runs.js'
import { serviceRoutes } from './routes/services.js'
import { sessionRoutes } from './routes/session.js'
import { templatePreviewRoutes } from './routes/template-preview.js'
import { webAppRoutes } from './web-app.js'

/** The web app's API and files (issue 16), one plugin per route file; every route is in route-access.ts. */
export const appRoutes: readonly ((app: FastifyInstance, context: ServerContext) => Promise<void>)[] = [
  sessionRoutes,
  runRoutes,
  deadLetterRoutes,
  rollbackRoutes,
  serviceRoutes,
  channelRoutes,
  templatePreviewRoutes,
  runNowRoutes,
  async (app) => webAppRoutes(app),
]
