import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { errorReport } from '../../model/report.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { badUrl, sendCoded } from '../../http/http-errors.js'
import { tokenRequired, type CredentialCheck } from './auth-hook.js'

/**
 * Fastify's router refuses a URL with bad percent-encoding or an over-long parameter before any
 * hook runs. Saying so tells a caller which routes exist, so only a request with a credential
 * hears it; any other gets the 401 every route gives it.
 */
export async function frameworkRefusal(error: FastifyError, request: FastifyRequest, reply: FastifyReply, admits: CredentialCheck | undefined): Promise<FastifyReply> {
  if (admits === undefined || !(await admits(request))) return sendCoded(reply, tokenRequired())
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.code(414).send({ error: errorReport(new RevmetaError('REQUEST_INVALID', 'A path parameter is too long.')) })
  return sendCoded(reply, badUrl())
}
