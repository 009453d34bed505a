import { describe, expect, it } from 'vitest'
import { apiRoleNames } from '../../src/model/api-roles.js'
import { apiRoles, roleAtLeast } from '../../src/store/token-store.js'

describe('API roles', () => {
  it('are one list: the token store uses the plain-data declaration the CLI shows', () => {
    expect(apiRoles).toBe(apiRoleNames)
  })

  it('each role may do what every role before it may, and nothing after', () => {
    expect(roleAtLeast('admin', 'editor')).toBe(true)
    expect(roleAtLeast('editor', 'editor')).toBe(true)
    expect(roleAtLeast('editor', 'admin')).toBe(false)
    expect(roleAtLeast('viewer', 'editor')).toBe(false)
  })
})
