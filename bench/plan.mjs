#!/usr/bin/env node
/**
 * Speed of `greenml plan`, in-process: options evaluated per second over the whole bundled catalog
 * (every instance x region x pricing with a price), and the time of one full plan (evaluation,
 * constraints, Pareto front, ranking, recommendations). Target: a full plan in under 50 ms.
 * Also times catalogs scaled up by copying every offer into made-up regions, to show how it grows.
 *
 * Run: npm run build && node bench/plan.mjs
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('app/index.js', dist))) {
  console.error('bench/plan.mjs measures the built code: run npm run build first.');
  process.exit(1);
}
const { bundledPlanCatalog, offersFromCatalog, planWorkload } = await import(new URL('app/index.js', dist).href);
const { planOffers, trainingWorkload, acceleratorHoursWorkload } = await import(new URL('core/index.js', dist).href);

const TARGET_MS = 50;

function stats(samplesMs) {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), min: s[0] };
}

/** Runs fn until `minMs` of samples (and at least `minRuns`) after a warm-up. */
function time(fn, { warmup = 20, minRuns = 50, minMs = 1000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const out = [];
  const start = performance.now();
  while (out.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return stats(out);
}

async function timeAsync(fn, { warmup = 10, minRuns = 30, minMs = 1000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const out = [];
  const start = performance.now();
  while (out.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return stats(out);
}

/** The offers copied k times into made-up regions, prices and intensities shifted so the copies differ. */
function scaled(offers, k) {
  const out = [];
  for (let c = 0; c < k; c++) {
    for (const o of offers) {
      out.push({
        ...o,
        region: c === 0 ? o.region : `${o.region}-copy${c}`,
        priceUsdPerHour: o.priceUsdPerHour * (1 + ((c * 7) % 13) / 100),
        intensity: { ...o.intensity, value: o.intensity.value * (1 + ((c * 11) % 17) / 20) },
      });
    }
  }
  return out;
}

const fmt = (x, d = 2) => x.toFixed(d).padStart(9);
const rows = [];
const row = (name, n, st) => {
  rows.push({ name, n, ...st, perSec: n / (st.median / 1000) });
};

const t0 = performance.now();
const catalog = bundledPlanCatalog();
const offers = offersFromCatalog(catalog);
const mapMs = performance.now() - t0;

const training = trainingWorkload({ params: 7e9, tokens: 1e12 });
const hours = acceleratorHoursWorkload({ acceleratorHours: 100, reference: { id: 'a100', name: 'A100', denseTflops: { bf16: 312 }, memoryBwGbps: 2039 } });

row('core planOffers, 7B x 1T tokens, whole catalog', offers.length, time(() => planOffers(offers, training)));
row('core planOffers, 100 A100-hours, whole catalog', offers.length, time(() => planOffers(offers, hours)));
row('core planOffers, + deadline 120d, budget $100k', offers.length, time(() => planOffers(offers, training, { deadlineS: 120 * 86400, budgetUsd: 100_000 })));
row('app planWorkload (request -> result), 7B x 1T', offers.length, await timeAsync(() => planWorkload({ workload: { kind: 'training', params: 7e9, tokens: 1e12 } })));
for (const k of [10, 25, 50]) {
  const big = scaled(offers, k);
  row(`core planOffers, catalog x${k} (synthetic)`, big.length, time(() => planOffers(big, training), { warmup: 3, minRuns: 10, minMs: 1500 }));
}

console.log(`greenml plan benchmark (Node ${process.version}, ${process.platform}/${process.arch})`);
console.log(`catalog: ${catalog.prices.length} price rows -> ${offers.length} offers (mapped once in ${mapMs.toFixed(1)} ms, cached after)`);
console.log('');
console.log(`${'case'.padEnd(50)} ${'options'.padStart(8)} ${'median ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'min ms'.padStart(9)} ${'options/s'.padStart(12)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(50)} ${String(r.n).padStart(8)} ${fmt(r.median)} ${fmt(r.p95)} ${fmt(r.min)} ${Math.round(r.perSec).toLocaleString('en-US').padStart(12)}`);
}
const full = rows[0];
console.log('');
console.log(`target: a full plan over the whole catalog in under ${TARGET_MS} ms -> median ${full.median.toFixed(2)} ms, p95 ${full.p95.toFixed(2)} ms: ${full.p95 < TARGET_MS ? 'met' : 'NOT met'}`);
