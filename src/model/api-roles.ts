/**
 * The roles of an API token, least to most privileged: a role may do what every role before it
 * may. The one list: the token store (and its CHECK constraints) use it, and it is plain data, so
 * `revmeta token create --help` shows the choices without loading the store.
 */
export const apiRoleNames = ['viewer', 'editor', 'admin'] as const
