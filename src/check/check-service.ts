import type { RevmetaConfig } from '../config/load-config.js'
import { capabilitiesOf, type ConnectorClient } from '../connectors/connector.js'
import { loadConnector } from '../connectors/registry.js'
import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import { redactSecrets } from '../errors/redact-secrets.js'
import type { PrivilegeFinding } from '../model/privilege.js'
import { privilegeNeeds } from './privilege-needs.js'
import { fieldsWithRole } from '../fields/field-roles.js'
import type { z } from 'zod'

export type { PrivilegeFinding } from '../model/privilege.js'

/** One service's answer to `revmeta check` (and to the web app's Services page). */
export interface ServiceCheck {
  service: string
  engine: string
  /** Connected, and every privilege the enabled kinds need is held. */
  ok: boolean
  connected: boolean
  version?: string
  error?: { code: string; message: string }
  findings: PrivilegeFinding[]
}

/** The values of the fields the connector declares secret: blanked out of any message, whoever wrote it. */
function serviceSecrets(schema: z.ZodType, connection: unknown): string[] {
  const values = connection as Record<string, unknown>
  return fieldsWithRole(schema, 'secret').flatMap((key) => (typeof values[key] === 'string' ? [values[key] as string] : []))
}

const aborted = () => new RevmetaError('CONNECTION_FAILED', 'The check was cancelled before it finished.')

/** Races `work` with the signal, so a caller (an HTTP route) is never held by a silent server. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work
  if (signal.aborted) return Promise.reject(aborted())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted())
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Connects to one configured service, reads the engine's version and checks, with the engine's
 * own catalog queries (the connector's `checkPrivileges`), the privileges every kind the channels
 * sync to it needs at each level. Never throws for the service's own failures: they come back as
 * `error` (coded, secrets redacted), so a caller checking many services loses none of them.
 */
export async function checkService(config: RevmetaConfig, serviceName: string, options: { signal?: AbortSignal } = {}): Promise<ServiceCheck> {
  const service = config.services.find((s) => s.name === serviceName)
  if (service === undefined) {
    throw new RevmetaError('UNKNOWN_SERVICE', `No service named ${JSON.stringify(serviceName)}; configured: ${config.services.map((s) => s.name).join(', ')}`, { details: { service: serviceName } })
  }
  const result: ServiceCheck = { service: service.name, engine: service.type, ok: false, connected: false, findings: [] }
  const connector = await loadConnector(service.type)
  if (connector === undefined) throw new RevmetaError('CONFIG_INVALID', `Unknown connector ${service.type}`)
  let dialect = connector.createDialect(service.connection)
  let client: ConnectorClient | undefined
  let abandoned = false
  try {
    const opening = connector.createClient(service.connection, { service: service.name, dialect })
    // A client that finishes opening after the caller gave up is closed then, never leaked.
    opening.then((late) => (abandoned ? late.close().catch(() => undefined) : undefined), () => undefined)
    client = await untilAborted(opening, options.signal)
    // What the engine can hold may follow the session (MariaDB 10.5 comments on databases).
    if (client.sessionFacts) dialect = connector.createDialect(service.connection, await untilAborted(client.sessionFacts(), options.signal))
    const needs = privilegeNeeds(config, service.name, capabilitiesOf(dialect))
    if (client.checkPrivileges === undefined) {
      throw new RevmetaError('UNSUPPORTED', `The ${service.type} connector cannot check privileges yet; writes will show what is missing as PRIVILEGE failures.`)
    }
    const report = await untilAborted(client.checkPrivileges(needs), options.signal)
    result.connected = true
    result.version = report.version
    result.findings = [...report.findings]
    result.ok = result.findings.every((f) => f.held)
  } catch (thrown) {
    const error = toRevmetaError(thrown)
    // A client that answered but cannot check is connected all the same.
    result.connected = error.code === 'UNSUPPORTED'
    result.error = { code: error.code, message: redactSecrets(error.message, serviceSecrets(connector.connectionSchema, service.connection)) }
  } finally {
    abandoned = true
    const opened = client
    if (opened !== undefined) await opened.close().catch(() => undefined)
  }
  return result
}
