/**
 * Import direction of shared/DESIGN.md, machine-checked. Each rule names the layer it guards.
 * "type" cells of the table (app/schedule/server may name a port but get the adapter as an
 * argument) are enforced by forbidding non-type-only imports of meter/intensity/store there.
 */
const layers = ['core', 'catalog', 'meter', 'intensity', 'store', 'app', 'schedule', 'server', 'web', 'cli'];
const others = (...allowed) => `^src/(${layers.filter((l) => !allowed.includes(l)).join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core imports nothing: no node builtins, no npm packages, no other layer',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'catalog-only-core',
      comment: 'catalog imports only core (and its own data); no node builtins',
      severity: 'error',
      from: { path: '^src/catalog/' },
      to: { pathNot: '^src/(core|catalog)/' },
    },
    {
      name: 'adapters-only-core',
      comment: 'meter, intensity and store build on core alone',
      severity: 'error',
      from: { path: '^src/(meter|intensity|store)/' },
      to: { path: '^src/', pathNot: ['^src/core/', '^src/$1/'] },
    },
    {
      name: 'app-layering',
      comment: 'app takes adapters as arguments: core and catalog by value, ports by type only',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: others('core', 'catalog', 'app', 'meter', 'intensity', 'store') },
    },
    {
      name: 'schedule-layering',
      comment: 'schedule builds on app; ports by type only',
      severity: 'error',
      from: { path: '^src/schedule/' },
      to: { path: others('core', 'catalog', 'app', 'schedule', 'meter', 'intensity', 'store') },
    },
    {
      name: 'server-layering',
      comment: 'server builds on app and schedule; ports by type only',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: others('core', 'catalog', 'app', 'schedule', 'server', 'meter', 'intensity', 'store') },
    },
    {
      name: 'ports-by-type-only',
      comment: 'app, schedule and server may name a port (import type) but never construct an adapter',
      severity: 'error',
      from: { path: '^src/(app|schedule|server)/' },
      to: { path: '^src/(meter|intensity|store)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-is-browser-only',
      comment: 'web imports core and the server types only',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: others('core', 'web', 'server') },
    },
    {
      name: 'web-server-types-only',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/server/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-no-node',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-imports-cli-or-web',
      comment: 'cli is the composition root; nothing below it imports it',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|web)/' },
      to: { path: '^src/(cli|web)/' },
    },
    {
      name: 'no-test-imports',
      comment: 'production code never imports tests, contract suites or fixtures',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(test|contract)\\.ts$' },
      to: { path: '(\\.test\\.ts$|\\.contract\\.ts$|^test/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      // Only value cycles matter: a cycle closed by an `import type` costs nothing at run time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
