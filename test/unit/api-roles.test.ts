import { describe, expect, it } from 'vitest'
import { apiRoleNames } from '../../src/model/api-roles.js'
import { apiRoles } from '../../src/store/token-store.js'

describe('API roles', () => {
  it('the CLI declaration offers exactly the roles the token store knows, in the same order', () => {
    expect([...apiRoleNames]).toEqual([...apiRoles])
  })
})
