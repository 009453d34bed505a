import type { OmEntity, OmEntityType } from '../openmetadata/om-types.js'

/**
 * What batch sync needs from a catalog: every entity of a service with its desired metadata.
 * OpenMetadataClient implements it over HTTP (a real OpenMetadata, or revmeta's built-in catalog
 * served by `revmeta serve`); the built-in catalog also implements it in process.
 */
export interface CatalogReader {
  listEntities(type: OmEntityType, parent: { service?: string; database?: string; databaseSchema?: string }): AsyncIterable<OmEntity>
}
