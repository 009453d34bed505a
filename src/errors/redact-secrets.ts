/**
 * Replaces known secrets, and the password of any URL, by `***` in text bound for a message.
 * Lives beside the coded errors because every layer that builds a message from a driver's or a
 * server's text (connectors, the OpenMetadata client) needs it, and none may import another.
 */
export function redactSecrets(text: string, secrets: readonly string[] | undefined): string {
  let out = text
  for (const secret of secrets ?? []) {
    if (secret.length > 0) out = out.split(secret).join('***')
  }
  // A connection string with a password, whatever produced it: keep the user, hide the password.
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, '$1***@')
}
