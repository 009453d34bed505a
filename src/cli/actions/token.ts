import Table from 'cli-table3'
import { loadStoreConfig } from '../../config/load-store-config.js'
import { isRevmetaError } from '../../errors/revmeta-error.js'
import { TokenStore, type ApiRole, type ApiToken } from '../../store/token-store.js'
import { exitCodes } from '../exit-codes.js'
import { withStore } from '../with-store.js'

const tokenJson = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
})

/** A wrong argument (taken name, unknown token) is a usage error, as a wrong flag is. */
async function usageOnTokenError(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn()
  } catch (error) {
    if (isRevmetaError(error) && (error.code === 'TOKEN_NAME_TAKEN' || error.code === 'TOKEN_NOT_FOUND')) {
      process.stderr.write(`revmeta: ${error.code}: ${error.message}\n`)
      return exitCodes.usage
    }
    throw error
  }
}

export async function create(flags: { config: string; role: ApiRole; name?: string; json?: boolean }): Promise<number> {
  const config = { store: await loadStoreConfig(flags.config) }
  return usageOnTokenError(async () => {
    const { token, record } = await withStore(config, (store) => TokenStore.of(store).create({ role: flags.role, ...(flags.name === undefined ? {} : { name: flags.name }) }))
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...tokenJson(record), token }, null, 2)}\n`)
    else {
      process.stdout.write(`${token}\n`)
      process.stderr.write(`revmeta: token ${record.id} (${record.name}, ${record.role}) created; it is shown only now, the store keeps its hash. Send it as Authorization: Bearer <token>.\n`)
    }
    return exitCodes.ok
  })
}

export async function list(flags: { config: string; json?: boolean }): Promise<number> {
  const config = { store: await loadStoreConfig(flags.config) }
  const tokens = await withStore(config, (store) => TokenStore.of(store).list())
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ tokens: tokens.map(tokenJson) }, null, 2)}\n`)
    return exitCodes.ok
  }
  const table = new Table({ head: ['id', 'name', 'role', 'created', 'last used', 'revoked'], style: { head: [], border: [] } })
  for (const t of tokens) table.push([t.id, t.name, t.role, t.createdAt.toISOString(), t.lastUsedAt?.toISOString() ?? '', t.revokedAt?.toISOString() ?? ''])
  process.stdout.write(tokens.length ? `${table.toString()}\n` : 'No API tokens yet: revmeta token create --role viewer|editor|admin.\n')
  return exitCodes.ok
}

export async function revoke(idOrName: string, flags: { config: string; json?: boolean }): Promise<number> {
  const config = { store: await loadStoreConfig(flags.config) }
  return usageOnTokenError(async () => {
    const { record, already } = await withStore(config, (store) => TokenStore.of(store).revoke(idOrName))
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...tokenJson(record), alreadyRevoked: already }, null, 2)}\n`)
    else process.stdout.write(`token ${record.id} (${record.name}) ${already ? 'was already revoked' : 'revoked'} at ${record.revokedAt?.toISOString()}\n`)
    return exitCodes.ok
  })
}

