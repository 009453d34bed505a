import type { RevmetaConfig, ServiceConfig } from '../config/load-config.js'
import { loadConnector } from '../connectors/registry.js'
import { errorReport } from '../model/report.js'
import { toRevmetaError } from '../errors/revmeta-error.js'

/**
 * The Services page's live status. Until `revmeta check` (issue 16 item 3) lands, a plain connect:
 * open a client and list the databases (or read nothing back), then close. The answer has the
 * shape of check's ServiceCheck, with no privilege findings yet.
 */
export async function connectionStatus(_config: RevmetaConfig, service: ServiceConfig) {
  const base = { service: service.name, engine: service.type, findings: [] as unknown[] }
  try {
    const connector = (await loadConnector(service.type))!
    const dialect = connector.createDialect(service.connection)
    const client = await connector.createClient(service.connection, { service: service.name, dialect })
    try {
      if (client.listDatabases) await client.listDatabases()
      else await client.readBack([])
    } finally {
      await client.close()
    }
    return { ...base, ok: true, connected: true }
  } catch (error) {
    const { code, message } = errorReport(toRevmetaError(error, 'CONNECTION_FAILED'))
    return { ...base, ok: false, connected: false, error: { code, message } }
  }
}
