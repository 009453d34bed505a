/**
 * The one catalogue of revmeta's coded errors. docs/errors.md is generated from nothing else:
 * every code says what went wrong, the usual cause, and whether retrying can help.
 */
export interface ErrorCodeInfo {
  /** True when the same attempt may succeed later without anyone changing anything. */
  readonly retryable: boolean
  readonly summary: string
  readonly fix: string
}

export const errorCodes = {
  CONFIG_INVALID: { retryable: false, summary: 'The configuration file does not match the schema.', fix: 'Correct the key the message names.' },
  CONFIG_UNREADABLE: { retryable: false, summary: 'The configuration file cannot be read or parsed as YAML.', fix: 'Check the path and the YAML syntax.' },
  CONFIG_ENV_MISSING: { retryable: false, summary: 'The configuration refers to an environment variable that is not set.', fix: 'Export the variable, or give a default with ${NAME:-default}.' },
  INPUT_UNREADABLE: { retryable: false, summary: 'An input file cannot be read, or is neither a JSON array nor JSON lines.', fix: 'Check the path and the JSON syntax.' },
  INPUT_MALFORMED: { retryable: false, summary: 'An event or pipeline operation does not have the shape OpenMetadata emits.', fix: 'The message names the event and the field; correct or drop that event. The other events still run.' },
  INPUT_NOT_UTF8: { retryable: false, summary: 'An event (array element, JSON line, or webhook body) holds bytes that are not valid UTF-8; it is refused, never altered (no U+FFFD is written anywhere).', fix: 'Re-export the events as UTF-8 (a Latin-1 file is the usual cause). The other events still run.' },
  INPUT_TOO_LARGE: { retryable: false, summary: 'An event is longer than input.maxEventChars (it is skipped without being held, and reading goes on), or the input passed input.maxInputBytes (reading stops there; events before it still run).', fix: 'Raise the limit in the input section of the config if the event is genuine, or drop it.' },
  INPUT_TOO_DEEP: { retryable: false, summary: 'An event nests arrays and objects deeper than input.maxDepth (in any field, ignored ones too); it is skipped.', fix: 'Nothing OpenMetadata sends nests that deep: drop the event, or raise input.maxDepth.' },
  FQN_INVALID: { retryable: false, summary: 'A fully qualified name cannot be parsed (unbalanced quotes, empty part, wrong number of parts).', fix: 'Use the FQN exactly as OpenMetadata shows it.' },
  NAME_HAS_QUOTE: { retryable: false, summary: 'A name holds a double quote, which OpenMetadata itself refuses in a fully qualified name.', fix: 'Rename the object, or edit it outside revmeta.' },
  ENTITY_LINK_INVALID: { retryable: false, summary: 'An entity link is not of the form <#E::type::fqn[::field[::name[::field]]]>.', fix: 'Use the link exactly as OpenMetadata emits it.' },
  UNKNOWN_SERVICE: { retryable: false, summary: 'An asset belongs to a database service that the configuration does not list.', fix: 'Add the service under services:, or ignore the event.' },
  UNSUPPORTED: { retryable: false, summary: 'The engine cannot hold this kind of metadata at this level (for example tags in PostgreSQL).', fix: 'Nothing to fix: the operation is reported and skipped. A custom template can still write it somewhere else.' },
  VALUE_INVALID: { retryable: false, summary: 'A value cannot be stored by the engine at all (for example a NUL character in PostgreSQL text, an unpaired UTF-16 surrogate anywhere, or a leading U+FEFF that the engine would drop). It is refused before anything is written; the other changes of the input still run, and the state store keeps the value as received.', fix: 'Edit the value in the catalog.' },
  NAME_TOO_LONG: { retryable: false, summary: 'A name is longer than the engine allows, so it cannot name an existing object.', fix: 'Check the FQN; the engine would silently truncate it and could hit another object.' },
  OBJECT_NOT_FOUND: { retryable: false, summary: 'The database, schema, table or column does not exist in the source.', fix: 'The catalog is ahead of or behind the source: re-ingest, or create the object.' },
  OWNER_UNMAPPED: { retryable: false, summary: 'A catalog owner cannot be mapped to a principal of the engine.', fix: 'Add the owner to the service\'s owners.map, or change the mapping strategy.' },
  OWNER_REMOVAL_UNSUPPORTED: { retryable: false, summary: 'Every owner was removed in the catalog, but the engine requires an owner on every object.', fix: 'Set a new owner in the catalog; the current owner is kept.' },
  PRIVILEGE: { retryable: false, summary: 'The connection\'s role lacks the privilege the statement needs.', fix: 'Grant ownership or superuser as docs/support.md lists per engine.' },
  LOCK_TIMEOUT: { retryable: true, summary: 'The statement waited longer than the lock timeout behind other DDL.', fix: 'Retry later, or raise lockTimeoutMs for the service.' },
  CONNECTION_FAILED: { retryable: true, summary: 'The database could not be reached, or the connection broke.', fix: 'Check host, port, credentials and that the server is up.' },
  DATABASE_UNREACHABLE: { retryable: false, summary: 'The engine cannot open a connection to the named database from this service.', fix: 'Check that the database exists and that the service may connect to it.' },
  SQL_FAILED: { retryable: false, summary: 'The engine rejected the statement for a reason revmeta does not classify further.', fix: 'Read the engine\'s message, which is kept in full.' },
  VERIFY_MISMATCH: { retryable: false, summary: 'After writing, the value read back differs from the value written.', fix: 'Something rewrote the value (a trigger, an engine limit, a concurrent writer); the message shows both.' },
  TEMPLATE_INVALID: { retryable: false, summary: 'A custom SQL template cannot be parsed, or names something that does not exist; found when the config is loaded.', fix: 'The message shows the template, the position and the reason.' },
  TEMPLATE_VARIABLE_MISSING: { retryable: false, summary: 'A template uses a variable that this operation does not have (for example column for a table).', fix: 'Restrict the channel to the levels the template is written for (filter.levels), or write one channel per level.' },
  TEMPLATE_RUNTIME: { retryable: false, summary: 'A template failed while rendering: a type error, a bad index, or a safety limit (output size, repetition, steps).', fix: 'The message names the expression; correct the template.' },
  AMBIGUOUS_TAG: { retryable: false, summary: 'A tag would join another tag of the same classification on one asset, which would silently overwrite it in engines that keep one value per key.', fix: 'Remove the other tag in the catalog first, or set the channel option tags.replace: true.' },
  VALUE_TOO_LONG: { retryable: false, summary: 'A description is longer than the engine allows at that level, and the channel says onTooLong: fail.', fix: 'Shorten it in the catalog, or set onTooLong: truncate.' },
  STORE_LOCKED: { retryable: false, summary: 'Another live revmeta process holds the embedded state store (PGlite allows one process per directory).', fix: 'Stop the other process, point this one at another store directory, or share a PostgreSQL store (store.url) between processes. The message names the lock file and the pid.' },
  STORE_INCOMPATIBLE: { retryable: false, summary: 'The state store was migrated by a newer revmeta than this one, or its schema cannot be migrated.', fix: 'Upgrade revmeta, or use another store schema (store.schema).' },
  ATTEMPTS_EXHAUSTED: { retryable: false, summary: 'An operation was claimed more times than execution.maxAttempts allows, usually because the workers running it kept dying.', fix: 'Look at the worker logs for the crash; then revmeta replay the operation.' },
  CATALOG_UNREACHABLE: { retryable: true, summary: 'The catalog (OpenMetadata or the built-in one) did not answer, timed out, or answered 5xx / 429.', fix: 'Check catalog.url and that the server is up; revmeta retries with backoff.' },
  CATALOG_AUTH: { retryable: false, summary: 'The catalog refused the credentials (401 or 403).', fix: 'Check catalog.token: a bot token with read access to the entities, users and teams, and to events.' },
  CATALOG_NOT_FOUND: { retryable: false, summary: 'The catalog has no entity of that name.', fix: 'Check the FQN; the entity may have been deleted or renamed.' },
  CATALOG_FAILED: { retryable: false, summary: 'The catalog answered with an error revmeta does not classify further, or with a body it cannot read.', fix: 'The message keeps the status and the catalog\'s own message.' },
  WEBHOOK_SIGNATURE: { retryable: false, summary: 'A webhook request carried no X-OM-Signature, or one that does not match its body.', fix: 'Give revmeta the same secret as the OpenMetadata subscription (catalog.webhookSecret).' },
  AUTH_REQUIRED: { retryable: false, summary: 'An HTTP request to revmeta serve carried no API token, an unknown one, or a revoked one (401).', fix: 'Send Authorization: Bearer <token> with a token made by revmeta token create; revmeta token list shows which are active.' },
  AUTH_FORBIDDEN: { retryable: false, summary: "The API token is valid but its role may not use this route (403): viewers read, editors also edit the catalog, admins also manage users, teams and subscriptions.", fix: 'Use a token of the role the message names, or have an admin create one (revmeta token create --role ...).' },
  REQUEST_INVALID: { retryable: false, summary: 'An HTTP request is malformed: bad percent-encoding, or a NUL character in the path or query.', fix: 'Send the URL percent-encoded as UTF-8, without NUL characters.' },
  BODY_TOO_LARGE: { retryable: false, summary: 'An HTTP request body is larger than the server accepts (server.bodyLimit, server.webhookBodyLimit) (413).', fix: 'Send a smaller body, or raise the limit in the configuration.' },
  SUBSCRIPTION_REFUSED: { retryable: false, summary: "A webhook subscription's endpoint is not on the allowlist (catalog.subscriptions.allow; by default only revmeta's own webhook).", fix: 'Add the URL prefix to catalog.subscriptions.allow if the catalog should send its changes there.' },
  TOKEN_NOT_FOUND: { retryable: false, summary: 'No API token has this id or name.', fix: 'revmeta token list shows the ids and names.' },
  TOKEN_NAME_TAKEN: { retryable: false, summary: 'An API token of this name exists already (names stay taken after a revoke, so the audit trail stays unambiguous).', fix: 'Choose another --name, or leave it out for a generated one.' },
  // Snowflake native tags (issue 11): allowed values read back, the tag schema of a database's tags.
  TAG_VALUE_NOT_ALLOWED: { retryable: false, summary: "A tag value is not among the tag's allowed values as read back from the engine (Snowflake ALLOWED_VALUES); nothing was sent for that operation.", fix: 'Use one of the allowed values the message lists, or add the value to the tag (ALTER TAG ... ADD ALLOWED_VALUES).' },
  TAG_SCHEMA_UNKNOWN: { retryable: false, summary: "No schema for a tag on a database: tagSchema is not set, and the database holds no tag of that name, or holds several, or nothing was read back (offline plans). Reported as unsupported.", fix: 'Set tagSchema ({ database, schema }) on the service, or create the tag in exactly one schema of the database.' },
  INTERNAL: { retryable: false, summary: 'A bug in revmeta.', fix: 'Report it with the message and the input.' },
} as const satisfies Record<string, ErrorCodeInfo>

export type ErrorCode = keyof typeof errorCodes
