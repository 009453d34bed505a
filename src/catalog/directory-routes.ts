import type { FastifyInstance } from 'fastify'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { CatalogService } from './catalog-service.js'
import { parseFields } from './entity-shape.js'
import { param, pathParam } from './route-helpers.js'
import { parseSubscription, subscriptionJson } from './subscriptions.js'

/**
 * Users, teams, classifications, tags (PUT creates or updates: 201 when created, 200 when
 * updated, as OpenMetadata answers) and webhook subscriptions, whose endpoint must pass
 * `allowEndpoint` (the allowlist): a subscription decides where every catalog change is sent.
 */
export async function directoryRoutes(app: FastifyInstance, catalog: CatalogService, allowEndpoint: (endpoint: string) => boolean): Promise<void> {
  const { directory, subscriptions } = catalog

  app.put('/api/v1/users', async (request, reply) => {
    const { created, value } = await directory.putUser(request.body)
    return reply.code(created ? 201 : 200).send(value)
  })
  app.get('/api/v1/users/name/:name', async (request) => directory.getUser(pathParam(request, 'name'), parseFields(param(request, 'fields'))))
  app.get('/api/v1/users/:id', async (request) => directory.getUserById(pathParam(request, 'id'), parseFields(param(request, 'fields'))))

  app.put('/api/v1/teams', async (request, reply) => {
    const { created, value } = await directory.putTeam(request.body)
    return reply.code(created ? 201 : 200).send(value)
  })
  app.get('/api/v1/teams/name/:name', async (request) => directory.getTeam(pathParam(request, 'name'), parseFields(param(request, 'fields'))))
  app.get('/api/v1/teams/:id', async (request) => directory.getTeamById(pathParam(request, 'id'), parseFields(param(request, 'fields'))))

  app.put('/api/v1/classifications', async (request, reply) => {
    const { created, value } = await directory.putClassification(request.body)
    return reply.code(created ? 201 : 200).send(value)
  })
  app.get('/api/v1/classifications/name/:name', async (request) => directory.getClassification(pathParam(request, 'name')))

  app.put('/api/v1/tags', async (request, reply) => {
    const { created, value } = await directory.putTag(request.body)
    return reply.code(created ? 201 : 200).send(value)
  })
  app.get('/api/v1/tags/name/:fqn', async (request) => directory.getTag(pathParam(request, 'fqn')))

  app.post('/api/v1/events/subscriptions', async (request, reply) => {
    const input = parseSubscription(request.body)
    if (!allowEndpoint(input.endpoint)) {
      throw new RevmetaError('SUBSCRIPTION_REFUSED', `The endpoint ${input.endpoint} is not on the subscription allowlist (catalog.subscriptions.allow; revmeta's own webhook is always allowed).`)
    }
    const created = await subscriptions.create(input)
    return reply.code(201).send(subscriptionJson(created))
  })
  app.get('/api/v1/events/subscriptions', async () => {
    const data = (await subscriptions.list()).map(subscriptionJson)
    return { data, paging: { total: data.length } }
  })
  app.get('/api/v1/events/subscriptions/name/:name', async (request) => subscriptionJson(await subscriptions.get(pathParam(request, 'name'))))
}
