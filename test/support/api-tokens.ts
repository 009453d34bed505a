import type { StateStore } from '../../src/store/state-store.js'
import { TokenStore, type ApiRole } from '../../src/store/token-store.js'

export type RoleTokens = Record<ApiRole, string>

/** One fresh API token per role in `store`, named `<prefix>-<role>`. */
export async function roleTokens(store: StateStore, prefix = 'test'): Promise<RoleTokens> {
  const tokens = TokenStore.of(store)
  const make = async (role: ApiRole) => (await tokens.create({ role, name: `${prefix}-${role}` })).token
  return { viewer: await make('viewer'), editor: await make('editor'), admin: await make('admin') }
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` })
