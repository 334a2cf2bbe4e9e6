#!/usr/bin/env node
/**
 * Prints how long the catalog takes to load and to answer lookups (run `npm run build` first):
 *   node scripts/catalog/bench.mjs
 * Figures only; tests never assert speed.
 */
import { performance } from 'node:perf_hooks';

// core is imported first so that the catalog's own cost (its modules and JSON) is measured apart.
const tCore = performance.now();
await import('../../dist/core/index.js');
const coreMs = performance.now() - tCore;
const t0 = performance.now();
const c = await import('../../dist/catalog/index.js');
const loadMs = performance.now() - t0;

const time = (label, fn, n) => {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const ms = (performance.now() - start) / n;
  console.log(`${label.padEnd(58)} ${ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`}`);
};

console.log(`node ${process.version}`);
console.log(`${'import core (for reference)'.padEnd(58)} ${coreMs.toFixed(1)} ms`);
console.log(`${'import catalog (its modules and all JSON)'.padEnd(58)} ${loadMs.toFixed(1)} ms`);
time('matchCpuModel, first call (lower-cases the table once)', () => c.matchCpuModel('Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz'), 1);
const models = ['Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', 'AMD EPYC 7R13 Processor', 'Intel(R) Xeon(R) Processor', 'Apple M2', 'Intel(R) Xeon(R) Platinum 8259CX CPU @ 2.50GHz'];
time('matchCpuModel, warm (5 strings: exact/generic/fuzzy)', (i) => c.matchCpuModel(models[i % models.length], { threads: 8 }), 5000);
time('listPrices(), first call (materialise rows)', () => c.listPrices(), 1);
time('listPrices({ instance, region })', () => c.listPrices({ instance: 'p4d.24xlarge', region: 'us-east-1' }), 2000);
time('listRegions({ maxIntensity: 100 })', () => c.listRegions({ maxIntensity: 100 }), 2000);
time('findAccelerator("A100-80GB")', () => c.findAccelerator('A100-80GB'), 20000);
time('findAny("gcp:europe-west4")', () => c.findAny('gcp:europe-west4'), 2000);
