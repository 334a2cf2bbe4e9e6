#!/usr/bin/env node
/**
 * Rebuilds src/catalog/data/*.json from the shared data bundle. Deterministic: same inputs, same
 * bytes (no clock, no randomness; keys and rows in a fixed order).
 *
 *   node scripts/catalog/build.mjs [path/to/shared/data/catalogs] [--check]
 *
 * --check compares with the committed files instead of writing them and exits 1 on a difference.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAccelerators } from './build-accelerators.mjs';
import { buildCpuArchitectures, buildCpuModels } from './build-cpu.mjs';
import { buildFactors } from './build-factors.mjs';
import { buildInstancesAndPrices } from './build-instances.mjs';
import { buildCountries, buildRegions } from './build-regions.mjs';
import { buildCpuInstancesAndPrices } from './build-cpu-instances.mjs';
import { makeReader } from './read.mjs';
import { SOURCES } from './sources.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const shared = args.find((a) => !a.startsWith('--')) ?? process.env.GREENML_SHARED_CATALOGS ?? '/work/shared/data/catalogs';
if (!existsSync(join(shared, 'SOURCES.md'))) {
  console.error(`build: ${shared} does not look like the shared catalogs folder (no SOURCES.md). Pass its path as the first argument.`);
  process.exit(2);
}

const read = makeReader(shared);
const log = [];
const countries = buildCountries(read, log);
const regions = buildRegions(read, countries, log);
const accelerators = buildAccelerators(read, log);
const factors = buildFactors(read);
const cpuArchitectures = buildCpuArchitectures(read, log);
const cpuModels = buildCpuModels(read, log);
const accelerated = buildInstancesAndPrices(read, { regions, accelerators, factors, log });
const cpuOnly = buildCpuInstancesAndPrices(read, { regions, factors, log });
const instances = [...accelerated.instances, ...cpuOnly.instances].sort((a, b) => a.id.localeCompare(b.id));
const prices = [...accelerated.prices, ...cpuOnly.prices].sort((a, b) => a.instance.localeCompare(b.instance) || a.region.localeCompare(b.region) || a.pricing.localeCompare(b.pricing));

const PRICE_COLUMNS = ['instance', 'region', 'pricing', 'usdPerHour', 'observedAt', 'sourceId', 'quality', 'spotMinUsdPerHour', 'zones', 'note'];
const files = {
  'sources.json': SOURCES,
  'countries.json': countries,
  'regions.json': regions,
  'accelerators.json': accelerators,
  'factors.json': factors,
  'cpu-architectures.json': cpuArchitectures,
  'cpu-models.json': cpuModels,
  'instances.json': instances,
  'prices.json': {
    columns: PRICE_COLUMNS,
    units: { usdPerHour: 'USD per hour (Linux)', spotMinUsdPerHour: 'USD per hour (cheapest zone)', zones: 'availability zones' },
    rows: prices.map((p) => PRICE_COLUMNS.map((c) => p[c] ?? null)),
  },
};

const outDir = join(root, 'src', 'catalog', 'data');
mkdirSync(outDir, { recursive: true });
let differs = 0;
for (const [name, value] of Object.entries(files)) {
  const text = serialize(value) + '\n';
  const target = join(outDir, name);
  if (check) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error(`build --check: ${name} differs from what the build produces`);
      differs++;
    }
  } else {
    writeFileSync(target, text);
  }
}
for (const line of log) console.log(`  ${line}`);
console.log(
  `catalog: ${regions.length} regions, ${countries.length} countries/subdivisions, ${accelerators.length} accelerators, ` +
    `${cpuArchitectures.length} CPU architectures, ${cpuModels.rows.length} CPU models, ${instances.length} instances, ${prices.length} prices` +
    (check ? (differs ? `; ${differs} file(s) out of date` : '; up to date') : ` -> ${outDir}`),
);
process.exit(differs ? 1 : 0);

/**
 * JSON with objects pretty-printed but arrays of scalars (and rows of compact tables) on one line,
 * so that diffs show one changed record or row per line.
 */
function serialize(value, indent = '') {
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    if (value.every((v) => Array.isArray(v))) return `[\n${value.map((v) => inner + JSON.stringify(v)).join(',\n')}\n${indent}]`;
    return `[\n${value.map((v) => inner + serialize(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    if (indent.length > 2 && entries.every(([, v]) => v === null || typeof v !== 'object')) return JSON.stringify(Object.fromEntries(entries));
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${serialize(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
