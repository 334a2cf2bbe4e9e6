/**
 * CPU-only instance types and their prices, from the curated transcription
 * scripts/catalog/cpu-prices-skypilot.csv (SkyPilot catalog rows; its header says which commits)
 * and the CCF tables of the shared bundle:
 *  - specs: the price rows' vCPUs and GiB, checked against ccf-coefficients *-instances-latest-2026.csv
 *    (CPU name from there; the micro-architecture from CCF's GCP table, or curated for AWS and Azure);
 *  - embodied: CCF's platform total where coefficients-*-embodied covers the family (m6i, n2, n2d),
 *    else 1,000 kg (the rule without accelerators), shared by vCPUs;
 *  - on-demand: the source Price; spot: median over the region's zones with the cheapest kept
 *    (zones at or above on-demand dropped, as for the AWS GPU spot rows); reserved-1y: on-demand x a
 *    cited factor, estimated (no reserved list price for these families in the data).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { CPU_FAMILIES, GCP_CPU_FLOOR_REGION, OBSERVED } from './instances-curated.mjs';
import { instance } from './build-instances.mjs';
import { median, num, round } from './read.mjs';

export const CPU_PRICES_FILE = join(dirname(fileURLToPath(import.meta.url)), 'cpu-prices-skypilot.csv');

const usd = (x) => round(x, 6);
/** Embodied of a platform CCF does not cover: IF/CCF 1,000 kg base server, no accelerator (factor embodied-server-kg). */
const RULE_KG = 1000;
const COMMIT = { aws: 'aws-reserved-1y', gcp: 'gcp-vm-commit-1y', azure: 'azure-reserved-1y' };
const OBSERVED_AT = { aws: OBSERVED.skypilotV8, gcp: OBSERVED.skypilotV8, azure: OBSERVED.skypilotAzureV6 };

export function readCpuPriceRows(file = CPU_PRICES_FILE) {
  return parse(readFileSync(file, 'utf8'), { columns: true, comment: '#', skip_empty_lines: true, trim: true }).map((r) => ({
    provider: r.provider, type: r.instance_type, vcpus: num(r.vcpus), memoryGb: num(r.memory_gib), region: r.region,
    onDemand: num(r.price_usd_per_h), spots: r.spot_usd_per_h_by_zone.split(/\s+/).filter(Boolean).map(Number),
  }));
}

export function buildCpuInstancesAndPrices(read, { regions, factors, log }, rows = readCpuPriceRows()) {
  const regionIds = new Set(regions.map((r) => r.id));
  const factor = (id) => {
    const f = factors.find((x) => x.id === id);
    if (!f) throw new Error(`factor ${id} missing`);
    return f.value;
  };
  const ccfAws = new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/aws-instances-latest-2026.csv').map((r) => [r['Instance Type'], r]));
  const ccfGcp = new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/gcp-instances-latest-2026.csv').map((r) => [r['Instance Type'], r]));
  const embodied = {
    aws: new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/coefficients-aws-embodied.csv').map((r) => [r.type, num(r.total)])),
    gcp: new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/coefficients-gcp-embodied-mean.csv').map((r) => [r.type, num(r.total_mean)])),
  };
  // Platform vCPUs: AWS's largest size of the family (CCF 2026), GCP's "Platform vCPUs (highest vCPU possible)" (CCF), else the family's largest listed size.
  const gcpPlatform = new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/gcp-instances.csv').map((r) => [r['Machine type'], num(r['Platform vCPUs (highest vCPU possible)'])]));
  const platformVcpus = (fam) => {
    if (fam.platformVcpus) return fam.platformVcpus;
    if (fam.provider === 'gcp' && fam.ccfEmbodied && gcpPlatform.get(fam.ccfEmbodied)) return gcpPlatform.get(fam.ccfEmbodied);
    const table = fam.provider === 'aws' ? [...ccfAws.values()].filter((r) => r['Instance Type'].startsWith(`${fam.family}.`))
      : [...ccfGcp.values()].filter((r) => r.Platform === fam.family);
    return Math.max(...table.map((r) => num(r.vCPUs ?? r['Instance vCPU'])));
  };

  const instances = [];
  const prices = [];
  const dropped = new Map();
  const drop = (why) => dropped.set(why, (dropped.get(why) ?? 0) + 1);
  const specs = new Map();
  for (const r of rows) {
    const fam = CPU_FAMILIES.find((f) => f.provider === r.provider && f.match.test(r.type));
    if (!fam) throw new Error(`cpu-prices-skypilot.csv: ${r.provider} ${r.type} belongs to no CPU family in instances-curated.mjs`);
    const prev = specs.get(`${r.provider}:${r.type}`);
    if (prev && (prev.vcpus !== r.vcpus || prev.memoryGb !== r.memoryGb)) throw new Error(`cpu-prices-skypilot.csv: ${r.type} lists different shapes`);
    specs.set(`${r.provider}:${r.type}`, { fam, type: r.type, provider: r.provider, vcpus: r.vcpus, memoryGb: r.memoryGb });
  }

  for (const s of [...specs.values()].sort((a, b) => `${a.provider}:${a.type}`.localeCompare(`${b.provider}:${b.type}`))) {
    const { fam } = s;
    let cpuName = fam.cpu ?? null;
    let arch = fam.arch ?? null;
    let cpuSource = fam.provider === 'azure' ? 'azure-vm-docs-general' : 'ccf-coefficients-instances';
    let archSource = fam.provider === 'azure' ? 'azure-vm-docs-general' : 'greenml-curated';
    const ccf = fam.provider === 'aws' ? ccfAws.get(s.type) : fam.provider === 'gcp' ? ccfGcp.get(s.type) : undefined;
    if (fam.provider !== 'azure') {
      if (!ccf) throw new Error(`${s.type}: not in the CCF 2026 ${fam.provider} instance table`);
      const [v, m] = fam.provider === 'aws' ? [num(ccf.vCPUs), num(ccf['Memory (GiB)'])] : [num(ccf['Instance vCPU']), num(ccf['Instance Memory'])];
      if (v !== s.vcpus || m !== s.memoryGb) throw new Error(`${s.type}: SkyPilot ${s.vcpus} vCPU / ${s.memoryGb} GiB, CCF ${v} / ${m}`);
      cpuName = fam.provider === 'aws' ? ccf['Platform CPU Name'] : ccf['CPU Name'];
      if (fam.provider === 'gcp') {
        arch = ccf.Microarchitecture;
        archSource = 'ccf-coefficients-instances';
      }
    }
    if (!cpuName || !arch) throw new Error(`${s.type}: no CPU name or micro-architecture`);
    const ccfKg = fam.ccfEmbodied ? embodied[fam.provider]?.get(fam.ccfEmbodied) : undefined;
    if (fam.ccfEmbodied && !ccfKg) throw new Error(`${s.type}: no CCF embodied row ${fam.ccfEmbodied}`);
    const notes = [];
    if (fam.provider === 'azure') notes.push('Azure runs Dsv5 on Intel Xeon Platinum 8370C (Ice Lake) or 8473C (Sapphire Rapids); greenml assumes Ice Lake. Platform: the 96-vCPU D96s_v5.');
    if (fam.family === 'n2-standard') notes.push('GCP N2 runs on Cascade Lake or Ice Lake (Ice Lake by default from 80 vCPUs); CCF\'s 2026 table and greenml assume Ice Lake, CCF\'s embodied table Cascade Lake.');
    instances.push(instance({
      provider: fam.provider, type: s.type, family: fam.family, vcpus: s.vcpus, memoryGb: s.memoryGb, accelerator: null,
      cpuName, cpuArchitecture: arch, platformEmbodiedKg: ccfKg ?? RULE_KG, platformVcpus: platformVcpus(fam), platformAccelerators: 0,
      pricingModel: 'bundled', sourceId: 'skypilot-catalog-cpu',
      fieldSources: { cpuName: cpuSource, cpuArchitecture: archSource, platformEmbodiedKg: ccfKg ? 'ccf-coefficients-embodied' : 'greenml-curated' },
      fieldQuality: { platformEmbodiedKg: ccfKg ? 'derived' : 'estimated' },
      notes: notes.length ? notes : undefined,
    }));
  }

  const floor = new Map(rows.filter((r) => r.provider === 'gcp' && r.region === GCP_CPU_FLOOR_REGION).map((r) => [r.type, r.onDemand]));
  for (const r of rows) {
    const inst = `${r.provider}:${r.type}`;
    const region = `${r.provider}:${r.region}`;
    if (!regionIds.has(region)) {
      drop(`region ${region} not in the catalog`);
      continue;
    }
    const observedAt = OBSERVED_AT[r.provider];
    let onDemand = r.onDemand;
    const ref = floor.get(r.type);
    if (r.provider === 'gcp' && ref !== undefined && onDemand < ref) {
      log.push(`gcp ${r.type} ${r.region}: on-demand $${onDemand}/h is below ${GCP_CPU_FLOOR_REGION}'s $${ref}/h: treated as a different SKU, dropped (spot kept)`);
      drop('GCP CPU on-demand below us-central1 (different SKU)');
      onDemand = null;
    }
    if (onDemand !== null && onDemand > 0) {
      prices.push({ instance: inst, region, pricing: 'on-demand', usdPerHour: usd(onDemand), observedAt, sourceId: 'skypilot-catalog-cpu', quality: 'official' });
      const k = factor(COMMIT[r.provider]);
      prices.push({ instance: inst, region, pricing: 'reserved-1y', usdPerHour: usd(onDemand * k), observedAt, sourceId: 'greenml-curated', quality: 'estimated', note: `on-demand x ${k} (factor ${COMMIT[r.provider]})` });
    }
    const spotRef = onDemand ?? ref ?? r.onDemand;
    const kept = r.spots.filter((x) => x > 0 && x < spotRef);
    if (kept.length < r.spots.length) drop('spot zone at or above on-demand (no spot market)');
    if (kept.length === 0) continue;
    const withZones = r.provider !== 'azure';
    prices.push({
      instance: inst, region, pricing: 'spot', usdPerHour: usd(median(kept)), observedAt, sourceId: 'skypilot-catalog-cpu', quality: 'official',
      spotMinUsdPerHour: withZones ? usd(Math.min(...kept)) : null, zones: withZones ? kept.length : null,
      note: onDemand === null ? `no on-demand price kept; compared with the ${GCP_CPU_FLOOR_REGION} price` : undefined,
    });
  }
  for (const [why, n] of [...dropped].sort()) log.push(`CPU prices dropped: ${n} x ${why}`);
  return { instances, prices };
}
