import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import type { RevmetaConfig } from '../config/load-config.js'

/**
 * Fastify and Node server settings from `server:`. Node checks the header and whole-request
 * deadlines every checkIntervalMs, so a slow client is cut off at most that long after its
 * deadline; idle sockets and idle keep-alive connections close by their own timers.
 */
export function serverOptions(config: RevmetaConfig): FastifyHttpOptions<Server> {
  const t = config.server.timeouts
  return {
    logger: false,
    bodyLimit: config.server.bodyLimit,
    // FQNs are path parameters: four quoted 64-character names and more must fit (default 100).
    routerOptions: { maxParamLength: 2048 },
    connectionTimeout: t.idleMs,
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    http: { headersTimeout: Math.min(t.headersMs, t.requestMs), requestTimeout: t.requestMs, connectionsCheckingInterval: t.checkIntervalMs },
  }
}
