/**
 * The layers of DESIGN.md, enforced by test/unit/layers.test.ts (part of `npm test`):
 *
 *   model → inputs / channels / templates / planning (and their helpers) → orchestration (src/engine)
 *         → store / execution → catalog, server → cli
 *
 * Nothing imports upward. Connectors are reached only through `connectors/registry.ts` (the
 * orchestration may also use the contract's types in `connectors/connector.ts`). Paths are relative
 * to the folder cruised from, so the same rules run over src/ and over the fixture tree of the test.
 */

// Layers below the orchestration: plain data, parsing, rendering of templates, planning.
const lower = '^src/(model|inputs|planning|channels|templates|tags|owners|descriptions|retry|fields|openmetadata)/'
// Everything above the orchestration, which no lower layer nor the orchestration may import.
const aboveEngine = '^src/(store|execution|intake|sync|check|catalog|catalogs|server|cli)/'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'model-imports-only-errors',
      comment: 'model holds the plain data every layer shares: it may lean on src/errors and nothing else of the project.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/(model|errors)/' },
    },
    {
      name: 'errors-import-nothing',
      comment: 'the catalogue of coded errors sits under everything.',
      severity: 'error',
      from: { path: '^src/errors/' },
      to: { path: '^src/', pathNot: '^src/errors/' },
    },
    {
      name: 'lower-layers-no-connectors',
      comment: 'model, inputs, planning, channels, templates and their helpers never import a connector, not even the contract.',
      severity: 'error',
      from: { path: lower },
      to: { path: '^src/connectors/' },
    },
    {
      name: 'lower-layers-not-upward',
      comment: 'layers below the orchestration never import it nor anything above it.',
      severity: 'error',
      from: { path: lower },
      to: { path: `^src/engine/|${aboveEngine}` },
    },
    {
      name: 'config-not-upward',
      comment: 'the configuration is read by the orchestration and everything above; it imports only lower layers and the connector registry.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: `^src/engine/|${aboveEngine}` },
    },
    {
      name: 'engine-not-upward',
      comment: 'the orchestration never imports the store, execution, intake, sync, catalog, server or CLI.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: aboveEngine },
    },
    {
      name: 'connectors-only-through-registry',
      comment: 'outside src/connectors only the contract (connector.ts) and the registry may be imported; a connector folder, the kit and helpers stay private to connectors.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/connectors/' },
      to: { path: '^src/connectors/', pathNot: '^src/connectors/(connector|registry)\\.ts$' },
    },
    {
      name: 'connector-folders-private',
      comment: "a connector's folder is imported by the registry and by itself only (plus its inheritors, next rule); shared pieces live in connectors/kit.",
      severity: 'error',
      from: { path: '^src/connectors/([^/]+)/', pathNot: '^src/connectors/(redshift|pglite)/' },
      to: { path: '^src/connectors/[^/]+/', pathNot: '^src/connectors/($1|kit)/' },
    },
    {
      name: 'connector-inheritors-of-postgres',
      comment: 'Redshift and PGlite inherit from PostgreSQL: they may import postgres/ and nothing of another connector.',
      severity: 'error',
      from: { path: '^src/connectors/(redshift|pglite)/' },
      to: { path: '^src/connectors/[^/]+/', pathNot: '^src/connectors/($1|kit|postgres)/' },
    },
    {
      name: 'connectors-not-into-core',
      comment: 'a connector renders and executes; it never reaches into orchestration, store, execution, catalog, server or CLI.',
      severity: 'error',
      from: { path: '^src/connectors/' },
      to: { path: `^src/(engine|config)/|${aboveEngine}` },
    },
    {
      name: 'store-not-engine-or-execution',
      comment: 'the store keeps what the orchestration and execution tell it; it never imports them (report types live in model/).',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(engine|execution|intake|sync|catalog|catalogs|server|cli|connectors)/' },
    },
    {
      name: 'execution-not-upward',
      comment: 'execution sits under the catalog, server and CLI.',
      severity: 'error',
      from: { path: '^src/execution/' },
      to: { path: '^src/(sync|check|catalog|catalogs|server|cli)/' },
    },
    {
      name: 'http-helpers-not-upward',
      comment: 'src/http holds what the server and the catalog backends share (coded HTTP errors, the route plugin type, the webhook path): it imports neither.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(engine|execution|intake|sync|catalog|catalogs|server|cli|connectors)/' },
    },
    {
      name: 'catalog-not-cli-or-server',
      comment: 'catalog backends give the server route plugins; they never import the server or the CLI.',
      severity: 'error',
      from: { path: '^src/(catalog|catalogs)/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'the CLI is the top layer.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      comment:
        'no cycles; the one known exception is the template parser, whose expression and f-string parsers ' +
        'call each other by design (a replacement field holds an expression; an expression holds an f-string).',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        circular: true,
        viaOnly: { pathNot: '^src/templates/(parser|fstring-parser|comprehension-parser|token-cursor)\\.ts$' },
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    // Type-only imports count: a layer that needs another's types depends on it all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
}
