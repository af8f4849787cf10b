// The layering rules of docs/architecture.md ("Layers"), checked by `npm run lint:deps` (part of
// `npm test`). Paths are relative to the repository root. Tests (*.test.ts) may reach across
// layers to set up what they test; the rules are about product code.

const SERVER = '^packages/server/src/';
const TEST = '\\.test\\.tsx?$';

// The feature folders and lower layers that must not depend on the HTTP layer (server/).
const BELOW_HTTP = `${SERVER}(domain|enrich|ingest|rollups|alerts|budgets|config|store|query|metrics|state|quality|backup|lifecycle|mcp|people|audit)/`;

// HTTP adapters that live in their feature folder so a feature stays in one place: each route.ts
// is a Fastify plugin and needs the request context and its route schemas; grpc.ts is the
// OTLP/gRPC server, which Fastify does not host, so it also resolves API keys itself. They may not
// use the app's assembly (app.ts, serve.ts) or other routes. Everything else in the feature folder
// (decoding, mapping, the framework-free OTLP/HTTP handler) stays below the HTTP layer.
const HTTP_ADAPTERS = [`${SERVER}ingest/(api|otlp|gateway|langfuse)/route\\.ts$`, `${SERVER}ingest/otlp/grpc\\.ts$`];
const HTTP_ADAPTER_MAY_USE = `${SERVER}server/((context|auth|openapi)\\.ts$|schemas/)`;

// The storage factory: it picks the backend from the configuration, so it alone opens one by name.
const STORAGE_FACTORY = `${SERVER}store/open\\.ts$`;

// Known import cycles (both type-only, harmless at run time but to be removed): the web pages
// import the PageProps type from App.tsx, which lazy-loads them; query/contract.ts and
// store/store.ts import each other's types.
const KNOWN_CYCLE_MODULES = ['^packages/web/src/App\\.tsx$', `${SERVER}query/contract\\.ts$`];

module.exports = {
  forbidden: [
    {
      name: 'no-http-below-server',
      comment: 'Features, the store and domain/ do not import the HTTP layer (server/); only the HTTP adapters listed in HTTP_ADAPTERS may, and only what HTTP_ADAPTER_MAY_USE names.',
      severity: 'error',
      from: { path: BELOW_HTTP, pathNot: [TEST, ...HTTP_ADAPTERS] },
      to: { path: `${SERVER}server/` },
    },
    {
      name: 'http-adapters-use-only-route-plumbing',
      comment: 'An HTTP adapter in a feature folder may use the request context, auth, OpenAPI helpers and route schemas of server/, nothing else from it.',
      severity: 'error',
      from: { path: HTTP_ADAPTERS },
      to: { path: `${SERVER}server/`, pathNot: HTTP_ADAPTER_MAY_USE },
    },
    {
      name: 'backend-only-through-the-store-contract',
      comment: 'Outside store/duckdb/ code uses the store contract (store/store.ts), never the DuckDB backend; only the storage factory (store/open.ts) opens it.',
      severity: 'error',
      from: { pathNot: [`${SERVER}store/duckdb/`, TEST, STORAGE_FACTORY] },
      to: { path: `${SERVER}store/duckdb/` },
    },
    {
      name: 'clickhouse-only-through-the-store-contract',
      comment: 'Outside store/clickhouse/ code uses the store contract, never the ClickHouse backend; only the storage factory (store/open.ts) opens it.',
      severity: 'error',
      from: { pathNot: [`${SERVER}store/clickhouse/`, TEST, STORAGE_FACTORY] },
      to: { path: `${SERVER}store/clickhouse/` },
    },
    {
      name: 'backends-apart',
      comment: 'One backend never imports another: what they share is backend-neutral and lives in store/. (A test may hold one against the other.)',
      severity: 'error',
      from: { path: `${SERVER}store/(duckdb|clickhouse)/`, pathNot: TEST },
      to: { path: `${SERVER}store/(duckdb|clickhouse)/`, pathNot: `${SERVER}store/$1/` },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports only domain/, the error catalog (errors.ts) and zod: no Node built-ins, no other package, so the web UI and the SDK can use it too.',
      severity: 'error',
      from: { path: `${SERVER}domain/`, pathNot: TEST },
      to: { pathNot: [`${SERVER}domain/`, `${SERVER}errors\\.ts$`, '(^|/)node_modules/zod/'] },
    },
    {
      name: 'error-catalog-is-pure',
      comment: 'errors.ts sits below every layer (domain/ included): it imports only zod.',
      severity: 'error',
      from: { path: `${SERVER}errors\\.ts$` },
      to: { pathNot: '(^|/)node_modules/zod/' },
    },
    {
      name: 'cli-is-the-top',
      comment: 'Only the command line (cli.ts, cli/) imports cli/.',
      severity: 'error',
      from: { pathNot: [`${SERVER}cli(/|\\.ts$)`, TEST] },
      to: { path: `${SERVER}cli(/|\\.ts$)` },
    },
    {
      name: 'only-the-cli-uses-the-client',
      comment: 'The server does not call its own HTTP API: of packages/server only the command line (cli.ts, cli/) uses the typed client (@lookout/client), as any other client of the API would.',
      severity: 'error',
      from: { path: SERVER, pathNot: [`${SERVER}cli(/|\\.ts$)`, TEST] },
      to: { path: '^packages/client/' },
    },
    {
      name: 'clients-use-only-domain',
      comment: 'The web UI and the SDK talk to the server over HTTP; of the server package they may import only the pure domain/ modules.',
      severity: 'error',
      from: { path: '^packages/(web|sdk)/' },
      to: { path: '^packages/server/', pathNot: [`${SERVER}domain/`, `${SERVER}errors\\.ts$`] },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, KNOWN_CYCLE_MODULES aside.',
      severity: 'error',
      from: {},
      // One pattern: dependency-cruiser does not join a list given to viaOnly.
      to: { circular: true, viaOnly: { pathNot: KNOWN_CYCLE_MODULES.join('|') } },
    },
    {
      name: 'no-circular-at-run-time',
      comment: 'No cycle of value imports anywhere (type-only imports are erased), known cycles included.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)node_modules/', '(^|/)dist/'] },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // Workspace packages from their TypeScript source, as tsconfig.json resolves them.
      conditionNames: ['@lookout/source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: false,
  },
};
