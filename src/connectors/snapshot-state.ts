import { isRevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from '../model/asset.js'
import { assetFqn } from '../model/fqn.js'
import type { ObjectState } from './connector.js'

/**
 * Files one read-back object under its FQN. Objects whose names have no FQN (an empty name) can
 * never be asked for, so they are left out instead of failing the whole read-back.
 */
export function putState(into: Map<string, ObjectState>, asset: AssetRef, state: ObjectState): void {
  const key = fqnOrSkip(() => assetFqn(asset))
  if (key !== undefined) into.set(key, state)
}

/** The FQN `build` returns, or undefined for a name that has none (see putState). */
export function fqnOrSkip(build: () => string): string | undefined {
  try {
    return build()
  } catch (error) {
    if (isRevmetaError(error) && (error.code === 'NAME_HAS_QUOTE' || error.code === 'FQN_INVALID')) return undefined
    throw error
  }
}
