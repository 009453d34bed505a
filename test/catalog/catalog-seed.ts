import type { CatalogService } from '../../src/catalog/catalog-service.js'
import { nextDatabase, nextSchema, nextTable, type SourceMapping } from '../../src/catalog/ingest-entities.js'
import type { EntityJson } from '../../src/catalog/om-json.js'

/** The directory most catalog tests share: two users, a team, two mutually exclusive classifications. */
export async function seedDirectory(catalog: CatalogService): Promise<void> {
  const d = catalog.directory
  await d.putUser({ name: 'alice', email: 'alice@example.com', displayName: 'Alice' })
  await d.putUser({ name: 'bob', email: 'bob@example.com' })
  await d.putTeam({ name: 'data', email: 'data@example.com', users: ['alice'] })
  await d.putClassification({ name: 'PII', description: 'Personal data', mutuallyExclusive: true })
  await d.putTag({ classification: 'PII', name: 'Sensitive', description: 'Sensitive data' })
  await d.putTag({ classification: 'PII', name: 'NonSensitive' })
  await d.putClassification({ name: 'Tier', mutuallyExclusive: true })
  await d.putTag({ classification: 'Tier', name: 'Tier1' })
  await d.putClassification({ name: 'Domain' })
  await d.putTag({ classification: 'Domain', name: 'Sales' })
}

const mapping: SourceMapping = { service: 'wh', serviceType: 'Postgres', owners: () => [], tags: () => [] }

/**
 * Service wh, database shop, schema sales with `tables` (orders first, with columns id, email and
 * geo.lat), and schema hr with one table; written as the seeding user, as ingestion would.
 */
export async function seedEntities(catalog: CatalogService, tables: readonly string[] = ['orders', 'customers', 'invoices', 'payments', 'returns']): Promise<{ orders: EntityJson }> {
  const [db] = await catalog.upsertEntities([{ type: 'database', fqn: 'wh.shop', service: 'wh', databaseFqn: null, parentFqn: null, build: (cur) => nextDatabase(cur, 'shop', { objectType: 'database', description: 'The shop' }, mapping) }], 'seed')
  const dbEntity = db!.entity
  const schemas = await catalog.upsertEntities(
    ['sales', 'hr'].map((name) => ({ type: 'databaseSchema' as const, fqn: `wh.shop.${name}`, service: 'wh', databaseFqn: 'wh.shop', parentFqn: 'wh.shop', build: (cur: EntityJson | undefined) => nextSchema(cur, dbEntity, name, { objectType: 'schema', description: null }, mapping) })),
    'seed',
  )
  const [sales, hr] = schemas.map((s) => s.entity) as [EntityJson, EntityJson]
  const column = (name: string, description: string | null = null) => ({ name, state: { objectType: 'column' as const, description } })
  const upserts = tables.map((name) => ({
    type: 'table' as const,
    fqn: `wh.shop.sales.${name}`,
    service: 'wh',
    databaseFqn: 'wh.shop',
    parentFqn: 'wh.shop.sales',
    build: (cur: EntityJson | undefined) =>
      nextTable(cur, dbEntity, sales, { name, state: { objectType: 'table', description: name === 'orders' ? 'Orders placed' : null }, columns: name === 'orders' ? [column('email'), column('geo.lat'), column('id', 'pk')] : [column('id')] }, mapping),
  }))
  upserts.push({ type: 'table', fqn: 'wh.shop.hr.staff', service: 'wh', databaseFqn: 'wh.shop', parentFqn: 'wh.shop.hr', build: (cur) => nextTable(cur, dbEntity, hr, { name: 'staff', state: { objectType: 'table', description: null }, columns: [column('id')] }, mapping) })
  const written = await catalog.upsertEntities(upserts, 'seed')
  return { orders: written[0]!.entity }
}
