import { isRevmetaError } from '../errors/revmeta-error.js'
import type { AssetRef } from '../model/asset.js'
import { assetFqn } from '../model/fqn.js'
import type { ObjectState } from './connector.js'

/**
 * Files one read-back object under its FQN. Objects whose names have no FQN (a double quote in a
 * name, which OpenMetadata refuses too) can never be asked for, so they are left out instead of
 * failing the whole read-back.
 */
export function putState(into: Map<string, ObjectState>, asset: AssetRef, state: ObjectState): void {
  let key: string
  try {
    key = assetFqn(asset)
  } catch (error) {
    if (isRevmetaError(error) && (error.code === 'NAME_HAS_QUOTE' || error.code === 'FQN_INVALID')) return
    throw error
  }
  into.set(key, state)
}
