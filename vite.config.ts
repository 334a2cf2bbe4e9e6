/**
 * Builds the dashboard (src/web) into dist/web, which `greenml serve` serves at /. Everything is
 * bundled (no CDN, no web fonts) so the dashboard works on an offline machine; `base: './'` keeps
 * asset URLs relative, so it also works behind a reverse proxy under a sub-path. Text assets get a
 * .gz copy, which the server sends to browsers that accept gzip (src/server/static.ts).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const OUT = 'dist/web';

function gzipAssets(): Plugin {
  let outDir = OUT;
  return {
    name: 'greenml-gzip-assets',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const dir = join(outDir, 'assets');
      for (const name of readdirSync(dir)) {
        if (!/\.(js|css|svg)$/.test(name)) continue;
        writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(dir, name)), { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: 'src/web',
  base: './',
  publicDir: false,
  plugins: [gzipAssets()],
  build: {
    outDir: `../../${OUT}`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // ECharts (tree-shaken) is most of the bundle, ~630 kB minified, ~215 kB gzipped.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev:web` serves src/web with hot reload and passes API calls to `greenml serve` on its default port.
    proxy: { '/api': 'http://127.0.0.1:8767' },
  },
});
