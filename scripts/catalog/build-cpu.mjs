/**
 * CPU micro-architectures (W per vCPU at idle and 100 %, GB of memory per chip) from ccf-coefficients,
 * one record per provider file, plus CCF's per-provider fallback averages; and the CPU model ->
 * TDP table (CodeCarbon, with Green Algorithms core counts merged in), stored as compact rows.
 */
import { num, round } from './read.mjs';

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const VENDOR = (name) => (/EPYC/.test(name) ? 'amd' : /Graviton/.test(name) ? 'aws' : 'intel');

export function buildCpuArchitectures(read, log) {
  const out = [];
  for (const provider of ['aws', 'gcp', 'azure']) {
    const file = `cloud-carbon-footprint__ccf-coefficients/coefficients-${provider}-use.csv`;
    const year = provider === 'azure' ? 2022 : 2026;
    for (const row of read.csv(file)) {
      const name = row.Architecture;
      const rec = {
        id: `${provider}:${slug(name)}`, provider, name, vendor: VENDOR(name),
        minWPerVcpu: round(num(row['Min Watts']), 3), maxWPerVcpu: round(num(row['Max Watts']), 3), gbPerChip: round(num(row['GB/Chip']), 2),
        sourceId: 'ccf-coefficients-use', year, quality: 'derived', suspicious: false,
      };
      if (/^Graviton/.test(name)) rec.notes = ['CCF has no SPECpower result for Graviton; it reuses the EPYC 2nd Gen coefficients as a proxy.'];
      if (name === 'EPYC 5th Gen') {
        rec.suspicious = true;
        rec.notes = ['4-8x the per-vCPU watts of EPYC 2nd-4th Gen: probably a mis-tagged SPECpower subset upstream. Prefer EPYC 4th Gen until verified.'];
        log.push(`cpu ${rec.id}: flagged suspicious (min ${rec.minWPerVcpu}, max ${rec.maxWPerVcpu} W/vCPU)`);
      }
      out.push(rec);
    }
  }
  const coef = read.csv('cloud-carbon-footprint__cloud-carbon-footprint/ccf_compute_coefficients.csv');
  const value = (provider, constant) => num(coef.find((r) => r.provider === provider && r.constant === constant)?.value);
  for (const [provider, stat] of [['aws', 'AVG'], ['gcp', 'MEDIAN'], ['azure', 'AVG']]) {
    out.push({
      id: `${provider}:unknown`, provider, name: 'Unknown', vendor: 'unknown',
      minWPerVcpu: value(provider, `MIN_WATTS_${stat}`), maxWPerVcpu: value(provider, `MAX_WATTS_${stat}`),
      gbPerChip: value(provider, 'MEMORY_AVG'), sourceId: 'ccf-constants', year: 2022, quality: 'derived', suspicious: false,
      notes: [`CCF fallback (${stat.toLowerCase()} over its micro-architectures) for an unknown CPU on ${provider}; older (2022-23) than the per-architecture coefficients.`],
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Key used only to merge Green Algorithms rows into CodeCarbon rows (vendor prefixes differ). */
const mergeKey = (name) => name.toLowerCase().replace(/\b(intel|amd|epyc)\b/g, ' ').replace(/\s+/g, ' ').trim();

export function buildCpuModels(read, log) {
  const rows = [];
  const byKey = new Map();
  const seen = new Set();
  for (const r of read.csv('mlco2__codecarbon/cpu_power.csv')) {
    const name = r.Name.trim();
    const tdp = num(r.TDP);
    if (!name || tdp === null || tdp <= 0) {
      log.push(`cpu model "${name}": no TDP, dropped`);
      continue;
    }
    if (seen.has(name.toLowerCase())) {
      log.push(`cpu model "${name}": duplicate in CodeCarbon, kept the first`);
      continue;
    }
    seen.add(name.toLowerCase());
    const row = [name, tdp, null, 0];
    rows.push(row);
    if (!byKey.has(mergeKey(name))) byKey.set(mergeKey(name), row);
  }
  let merged = 0;
  let added = 0;
  for (const r of read.csv('GreenAlgorithms__green-algorithms-tool/TDP_cpu.csv', { skipLines: 1 })) {
    const name = r.model.trim();
    if (name === 'Any') continue;
    const tdp = num(r.TDP);
    const cores = num(r.n_cores);
    const hit = byKey.get(mergeKey(name));
    if (hit) {
      hit[2] = cores;
      merged++;
      if (tdp !== null && Math.abs(tdp - hit[1]) > 0.5) log.push(`cpu model "${hit[0]}": CodeCarbon ${hit[1]} W vs Green Algorithms ${tdp} W; kept CodeCarbon`);
    } else if (tdp !== null) {
      rows.push([name, tdp, cores, 1]);
      added++;
    }
  }
  log.push(`cpu models: ${rows.length} rows (${merged} Green Algorithms core counts merged, ${added} Green Algorithms-only models added)`);
  rows.sort((a, b) => a[0].localeCompare(b[0]));
  return {
    sources: ['codecarbon-cpu-power', 'ga-tdp-cpu'],
    coresSourceId: 'ga-tdp-cpu',
    year: 2026,
    quality: 'official',
    columns: ['name', 'tdpW', 'cores', 'source'],
    units: { tdpW: 'W (thermal design power per CPU package)', cores: 'physical cores per package' },
    rows,
  };
}
