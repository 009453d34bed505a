import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** dist/web beside the built server (dist/server), or, run from the sources, dist/web of the repository. */
const candidates = [new URL('../web/', import.meta.url), new URL('../../dist/web/', import.meta.url)].map((u) => fileURLToPath(u))

export const webAppDir = (): string | undefined => candidates.find((dir) => existsSync(`${dir}index.html`))

/**
 * The web app's files (built by `npm run build` into dist/web), served by `serve` itself. Only the
 * files found at start get a route (no wildcard), so an unknown URL still needs a token, and the
 * app's own pages are reached by hash (#/runs), never by a server path.
 */
export async function webAppRoutes(app: FastifyInstance): Promise<void> {
  const root = webAppDir()
  if (root === undefined) {
    app.get('/', async (_request, reply) => reply.type('text/plain').send('The revmeta web app is not built: run npm run build.'))
    return
  }
  await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'], cacheControl: true, maxAge: 0 })
}
