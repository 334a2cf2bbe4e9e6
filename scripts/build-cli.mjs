// Bundles the CLI with esbuild into dist/bin (ESM, code-split): a command then loads a handful of
// files instead of hundreds of modules, which is most of a Node CLI's start-up time (bench/cli.mjs).
// Lazy `import()`s stay lazy as separate chunks. Native and optional packages stay external.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// The catalog's JSON as a string handed to JSON.parse: V8 parses JSON several times faster than it
// compiles the same data written as an object literal, which is what a bundler inlines by default.
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => ({ contents: `export default JSON.parse(${JSON.stringify(readFileSync(args.path, 'utf8'))});`, loader: 'js' }));
  },
};

rmSync('dist/bin', { recursive: true, force: true });

await build({
  plugins: [jsonAsParse],
  entryPoints: { greenml: 'src/cli/main.ts' },
  outdir: 'dist/bin',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // better-sqlite3 is a native addon; pg, pg-boss, echarts and playwright-core are loaded only by
  // the commands that need them and are large: they are resolved from node_modules at run time.
  external: ['better-sqlite3', 'pg', 'pg-native', 'pg-boss', 'echarts', 'playwright-core'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __greenmlCreateRequire } from 'node:module'; const require = __greenmlCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'linked',
});
chmodSync('dist/bin/greenml.js', 0o755);
