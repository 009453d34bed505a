/**
 * Where `revmeta serve` receives OpenMetadata's webhook. Kept below the server so the built-in
 * catalog can subscribe its own server to it without importing the server.
 */
export const webhookPath = '/api/v1/revmeta/webhook'
