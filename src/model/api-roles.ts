/**
 * The roles of an API token, least to most privileged. The token store holds the same list (a test
 * checks they agree); this copy is plain data, so `revmeta token create --help` shows the choices
 * without loading the store.
 */
export const apiRoleNames = ['viewer', 'editor', 'admin'] as const
