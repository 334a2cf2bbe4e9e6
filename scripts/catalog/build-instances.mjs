/**
 * Instance types and their prices per region and pricing model, for the planner.
 *  - AWS: tsaol (on-demand, 1-year no-upfront reserved, 2026-01-21) for specs and prices; SkyPilot
 *    v8 per-AZ spot for the p families (median and min over zones).
 *  - GCP: SkyPilot v8 host VM + N x GPU attach price joined into one offer; TPU slice prices.
 *  - Azure: SkyPilot v6 (US regions only).
 * Sentinels are dropped: 700.0 (GCP TPU "no price"), spot >= on-demand, empty cells.
 * 1-year commitments for GCP and Azure are on-demand x a cited factor, marked estimated.
 */
import {
  AWS_FAMILIES, AZURE_SERIES, GCP_ACCELERATORS, GCP_DWS_THRESHOLD, GCP_GPU_MACHINES, GCP_TPUS, OBSERVED,
} from './instances-curated.mjs';
import { median, num, round } from './read.mjs';

const SENTINEL = 700;
const usd = (x) => round(x, 6);
const valid = (x) => x !== null && x > 0 && x !== SENTINEL;

export function buildInstancesAndPrices(read, { regions, accelerators, factors, log }) {
  const regionIds = new Set(regions.map((r) => r.id));
  const accById = new Map(accelerators.map((a) => [a.id, a]));
  const factor = (id) => {
    const f = factors.find((x) => x.id === id);
    if (!f) throw new Error(`factor ${id} missing`);
    return f.value;
  };
  const rule = (accelerators) => 1000 + 150 * accelerators;
  const instances = [];
  const prices = [];
  const dropped = new Map();
  const drop = (why) => dropped.set(why, (dropped.get(why) ?? 0) + 1);
  const addPrice = (instance, region, pricing, value, observedAt, sourceId, quality, extra = {}) => {
    if (!regionIds.has(region)) return drop(`region ${region} not in the catalog`);
    if (!valid(value)) return drop(`${pricing} price empty or sentinel`);
    prices.push({ instance, region, pricing, usdPerHour: usd(value), observedAt, sourceId, quality, ...extra });
  };

  // ---------- AWS ----------
  const awsEmbodied = new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/coefficients-aws-embodied.csv').map((r) => [r.type, num(r.total)]));
  const tsaol = read.csv('tsaol__aws-gpu__derived/aws_gpu_instances_ondemand_reserved.csv');
  const spotRows = read.csv('skypilot-org__skypilot-catalog__subset/aws_p_family_spot_v8_sample.csv');
  const awsSpecs = new Map();
  for (const r of tsaol) {
    const family = r.instance_type.split('.')[0];
    if (!AWS_FAMILIES[family] || awsSpecs.has(r.instance_type)) continue;
    awsSpecs.set(r.instance_type, { family, vcpus: num(r.vcpus), memoryGb: num(r.memory), count: num(r.accelerator_count), name: r.accelerator, sourceId: 'tsaol-aws-gpu' });
  }
  for (const r of spotRows) {
    const family = r.instance_type.split('.')[0];
    if (!AWS_FAMILIES[family] || awsSpecs.has(r.instance_type)) continue;
    awsSpecs.set(r.instance_type, { family, vcpus: num(r.vcpus), memoryGb: num(r.memory_gib), count: num(r.accelerator_count), name: r.accelerator, sourceId: 'skypilot-catalog' });
  }
  const familyMax = (specs, family, key) => Math.max(...[...specs.values()].filter((s) => s.family === family).map((s) => s[key]));
  for (const [type, s] of [...awsSpecs].sort(([a], [b]) => a.localeCompare(b))) {
    const fam = AWS_FAMILIES[s.family];
    const platformAccelerators = familyMax(awsSpecs, s.family, 'count');
    const ccf = awsEmbodied.get(type) ?? (fam.embodiedFrom ? awsEmbodied.get(fam.embodiedFrom) : undefined);
    instances.push(instance({
      provider: 'aws', type, family: s.family, vcpus: s.vcpus, memoryGb: s.memoryGb,
      accelerator: { id: fam.accelerator, count: s.count }, cpuName: fam.cpu, cpuArchitecture: fam.arch,
      platformEmbodiedKg: ccf ?? rule(platformAccelerators), platformVcpus: familyMax(awsSpecs, s.family, 'vcpus'), platformAccelerators,
      pricingModel: 'bundled', sourceId: s.sourceId,
      fieldSources: { cpuName: fam.cpuSource, cpuArchitecture: 'greenml-curated', platformEmbodiedKg: ccf ? 'ccf-coefficients-embodied' : 'greenml-curated' },
      fieldQuality: { platformEmbodiedKg: ccf ? 'derived' : 'estimated' },
      notes: fam.cpuFix ? [`CPU corrected from AWS documentation: ${fam.cpuFix}.`] : undefined,
    }));
    if (fam.cpuFix) log.push(`aws:${type} CPU: ${fam.cpuFix} -> ${fam.cpu} (${fam.arch})`);
  }
  const awsOnDemand = new Map();
  for (const r of tsaol) {
    if (!awsSpecs.has(r.instance_type) || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(r.region)) continue;
    const inst = `aws:${r.instance_type}`;
    const region = `aws:${r.region}`;
    const od = num(r.ondemand_usd_per_h);
    if (valid(od)) awsOnDemand.set(`${inst}|${region}`, od);
    addPrice(inst, region, 'on-demand', od, OBSERVED.tsaol, 'tsaol-aws-gpu', 'official');
    addPrice(inst, region, 'reserved-1y', num(r.reserved_1yr_std_noupfront_usd_per_h), OBSERVED.tsaol, 'tsaol-aws-gpu', 'official');
  }
  const spotGroups = new Map();
  for (const r of spotRows) {
    if (!awsSpecs.has(r.instance_type)) {
      drop(`AWS type outside the catalog (${r.instance_type})`);
      continue;
    }
    const key = `aws:${r.instance_type}|aws:${r.region}`;
    const g = spotGroups.get(key) ?? { spots: [], ondemand: num(r.ondemand_usd_per_h) };
    const spot = num(r.spot_usd_per_h);
    if (valid(spot)) g.spots.push(spot);
    else drop('spot price empty or sentinel');
    spotGroups.set(key, g);
  }
  for (const [key, g] of [...spotGroups].sort(([a], [b]) => a.localeCompare(b))) {
    const [inst, region] = key.split('|');
    const ref = awsOnDemand.get(key) ?? (valid(g.ondemand) ? g.ondemand : null);
    const kept = ref === null ? g.spots : g.spots.filter((s) => s < ref);
    if (kept.length < g.spots.length) drop('spot >= on-demand (no spot market)');
    if (kept.length === 0) continue;
    addPrice(inst, region, 'spot', median(kept), OBSERVED.skypilotV8, 'skypilot-catalog', 'official', {
      spotMinUsdPerHour: usd(Math.min(...kept)), zones: kept.length,
      note: ref === null ? 'no on-demand price in the sources to compare with' : undefined,
    });
  }

  // ---------- GCP GPU machines ----------
  const attach = read.csv('skypilot-org__skypilot-catalog__subset/gcp_accelerator_prices_v8_subset.csv');
  const hosts = new Map(read.csv('skypilot-org__skypilot-catalog__subset/gcp_gpu_host_vm_prices_v8_subset.csv').map((r) => [`${r.instance_type}|${r.region}`, r]));
  const maxPerChip = new Map();
  const dwsLogged = new Set();
  for (const r of attach) {
    const p = num(r.price_usd_per_chip_h);
    if (valid(p)) maxPerChip.set(r.accelerator_name, Math.max(maxPerChip.get(r.accelerator_name) ?? 0, p));
  }
  /** Per-chip on-demand and spot per (GPU, region), and whether a row with exactly `count` GPUs exists. */
  const gpuPrice = (gpu, count, region) => {
    const rows = attach.filter((r) => r.accelerator_name === gpu && r.region === region);
    if (rows.length === 0) return null;
    const exact = rows.find((r) => num(r.accelerator_count) === count);
    const row = exact ?? rows[0];
    const n = num(row.accelerator_count);
    let onDemand = num(row.price_usd_per_h);
    let spot = num(row.spot_usd_per_h);
    const perChip = valid(onDemand) ? onDemand / n : null;
    const max = maxPerChip.get(gpu);
    const dws = perChip !== null && perChip < GCP_DWS_THRESHOLD * max;
    const dwsKey = `${gpu}|${n}|${region}`;
    if (dws && !dwsLogged.has(dwsKey)) {
      dwsLogged.add(dwsKey);
      log.push(`gcp ${gpu} x${n} ${region}: on-demand $${onDemand}/h is below ${GCP_DWS_THRESHOLD} x the highest regional price ($${round(max * n, 5)}/h): treated as a flex-start/DWS SKU, dropped`);
    }
    if (dws) onDemand = null;
    const spotRef = onDemand !== null ? onDemand : max * n;
    if (valid(spot) && spot >= spotRef) {
      drop('spot >= on-demand (GCP GPU attach)');
      spot = null;
    }
    const scale = count / n;
    return {
      onDemand: valid(onDemand) ? onDemand * scale : null, spot: valid(spot) ? spot * scale : null, linear: !exact,
    };
  };
  const gcpEmbodied = new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/coefficients-gcp-embodied-mean.csv').map((r) => [r.type, num(r.total_mean)]));
  const gpuRegions = [...new Set(attach.map((r) => r.region))].sort();
  for (const m of GCP_GPU_MACHINES) {
    const accId = GCP_ACCELERATORS[m.gpu];
    const familyMachines = GCP_GPU_MACHINES.filter((x) => x.family === m.family);
    const platformAccelerators = m.family === 'a2' ? 16 : Math.max(...familyMachines.map((x) => x.count));
    const ccf = gcpEmbodied.get(m.type);
    const inst = `gcp:${m.type}`;
    instances.push(instance({
      provider: 'gcp', type: m.type, family: m.family, vcpus: m.vcpus, memoryGb: m.memoryGb, accelerator: { id: accId, count: m.count },
      cpuName: m.cpu, cpuArchitecture: m.arch, platformEmbodiedKg: ccf ?? rule(platformAccelerators),
      platformVcpus: m.family === 'a2' ? 96 : Math.max(...familyMachines.map((x) => x.vcpus)), platformAccelerators,
      pricingModel: 'host-plus-gpu', sourceId: 'skypilot-catalog',
      fieldSources: {
        cpuName: m.family === 'a3' ? 'gcp-gpu-docs' : 'ccf-coefficients-instances', cpuArchitecture: 'greenml-curated',
        platformEmbodiedKg: ccf ? 'ccf-coefficients-embodied' : 'greenml-curated',
      },
      fieldQuality: { platformEmbodiedKg: ccf ? 'derived' : 'estimated' },
      notes: [
        'GCP bills the host VM and each GPU separately; greenml prices the pair as one offer (host + N x GPU).',
        ...(m.family === 'a3' ? ['CPU from Google\'s CPU platform table (A3 High/Edge: Sapphire Rapids 8481C); CCF\'s 2026 table lists Emerald Rapids 8581C.'] : []),
        ...(m.hostFrom ? [`Host price = ${m.hostScale} x ${m.hostFrom} (A3 hosts are priced per vCPU and GB; a3-edgegpu-8g, the same shape, lists the same price).`] : []),
      ],
    }));
    if (m.family === 'a3' && m.type === 'a3-highgpu-1g') log.push('gcp a3-* CPU: CCF Emerald Rapids 8581C -> Sapphire Rapids 8481C (Google CPU platforms)');
    for (const region of gpuRegions) {
      const host = hosts.get(`${m.hostFrom ?? m.type}|${region}`);
      const gpu = gpuPrice(m.gpu, m.count, region);
      if (!host || !gpu) continue;
      const scale = m.hostScale ?? 1;
      const hostOd = num(host.price_usd_per_h);
      const hostSpot = num(host.spot_usd_per_h);
      const derived = gpu.linear || m.hostFrom;
      if (valid(hostOd) && gpu.onDemand !== null) {
        const total = hostOd * scale + gpu.onDemand;
        const note = `host $${usd(hostOd * scale)}/h + ${m.count} x ${m.gpu} $${usd(gpu.onDemand / m.count)}/h`;
        addPrice(inst, `gcp:${region}`, 'on-demand', total, OBSERVED.skypilotV8, 'skypilot-catalog', 'derived', { note: derived ? `${note} (linear in count)` : note });
        addPrice(inst, `gcp:${region}`, 'reserved-1y', total * factor('gcp-gpu-commit-1y'), OBSERVED.skypilotV8, 'greenml-curated', 'estimated', {
          note: `on-demand x ${factor('gcp-gpu-commit-1y')} (factor gcp-gpu-commit-1y)`,
        });
      }
      if (valid(hostSpot) && gpu.spot !== null) {
        addPrice(inst, `gcp:${region}`, 'spot', hostSpot * scale + gpu.spot, OBSERVED.skypilotV8, 'skypilot-catalog', 'derived', {
          note: `host spot $${usd(hostSpot * scale)}/h + ${m.count} x ${m.gpu} spot $${usd(gpu.spot / m.count)}/h`,
        });
      }
    }
  }

  // ---------- GCP TPU slices ----------
  const tpuRows = attach.filter((r) => r.accelerator_name.startsWith('tpu-'));
  const slices = new Map();
  for (const r of tpuRows) {
    const prefix = Object.keys(GCP_TPUS).find((p) => r.accelerator_name.startsWith(`${p}-`));
    if (!prefix) {
      drop(`TPU generation not in the catalog (${r.accelerator_name.replace(/-\d+$/, '')})`);
      continue;
    }
    const tpu = GCP_TPUS[prefix];
    const chips = num(r.chips);
    if (!slices.has(r.accelerator_name)) {
      const inst = {
        provider: 'gcp', type: r.accelerator_name, family: prefix, vcpus: null, memoryGb: null, accelerator: { id: tpu.accelerator, count: chips },
        cpuName: null, cpuArchitecture: null, platformEmbodiedKg: rule(tpu.chipsPerHost), platformVcpus: null, platformAccelerators: tpu.chipsPerHost,
        pricingModel: 'tpu-slice', sourceId: 'skypilot-catalog',
        fieldSources: { platformEmbodiedKg: 'greenml-curated' }, fieldQuality: { platformEmbodiedKg: 'estimated' },
        notes: [`TPU slice priced whole (host VMs included). ${chips} chips; ${tpu.chipsPerHost} chips per host.`],
      };
      slices.set(r.accelerator_name, inst);
      instances.push(instance(inst));
    }
    const inst = `gcp:${r.accelerator_name}`;
    const od = num(r.price_usd_per_h);
    let spot = num(r.spot_usd_per_h);
    if (valid(spot) && valid(od) && spot >= od) {
      drop('spot >= on-demand (TPU)');
      spot = null;
    }
    addPrice(inst, `gcp:${r.region}`, 'on-demand', od, OBSERVED.skypilotV8, 'skypilot-catalog', 'official');
    addPrice(inst, `gcp:${r.region}`, 'spot', spot, OBSERVED.skypilotV8, 'skypilot-catalog', 'official');
    if (valid(od)) {
      addPrice(inst, `gcp:${r.region}`, 'reserved-1y', od * factor('gcp-tpu-commit-1y'), OBSERVED.skypilotV8, 'greenml-curated', 'estimated', {
        note: `on-demand x ${factor('gcp-tpu-commit-1y')} (factor gcp-tpu-commit-1y)`,
      });
    }
  }

  // ---------- Azure ----------
  const azEmbodied = new Map(read.csv('cloud-carbon-footprint__ccf-coefficients/coefficients-azure-embodied.csv').map((r) => [r.type, num(r.total)]));
  const azRows = read.csv('skypilot-org__skypilot-catalog__subset/azure_gpu_vms_v6_subset.csv');
  const azSpecs = new Map();
  for (const r of azRows) {
    const series = AZURE_SERIES.find((s) => s.match.test(r.InstanceType));
    if (!series) {
      drop(`Azure size outside the catalog (fractional GPU or other series)`);
      if (!azSpecs.has(`skip:${r.InstanceType}`)) log.push(`azure ${r.InstanceType}: fractional-GPU or unmapped size, dropped`);
      azSpecs.set(`skip:${r.InstanceType}`, null);
      continue;
    }
    const sourceCount = num(r.AcceleratorCount);
    const count = series.fixCount ?? sourceCount;
    if (!azSpecs.has(r.InstanceType)) {
      if (series.fixCount !== undefined && series.fixCount !== sourceCount) log.push(`azure ${r.InstanceType}: accelerator count ${sourceCount ?? 'empty'} -> ${series.fixCount} (${series.family} documentation)`);
      azSpecs.set(r.InstanceType, { series, family: series.family, vcpus: num(r.vCPUs), memoryGb: num(r.MemoryGiB), count, fixed: series.fixCount !== undefined && series.fixCount !== sourceCount });
    }
    const inst = `azure:${r.InstanceType}`;
    const od = num(r.Price);
    let spot = num(r.SpotPrice);
    if (valid(spot) && valid(od) && spot >= od) {
      drop('spot >= on-demand (Azure: no spot market, e.g. H100 v5)');
      spot = null;
    }
    addPrice(inst, `azure:${r.Region}`, 'on-demand', od, OBSERVED.skypilotAzureV6, 'skypilot-catalog', 'official');
    addPrice(inst, `azure:${r.Region}`, 'spot', spot, OBSERVED.skypilotAzureV6, 'skypilot-catalog', 'official');
    if (valid(od)) {
      addPrice(inst, `azure:${r.Region}`, 'reserved-1y', od * factor('azure-reserved-1y'), OBSERVED.skypilotAzureV6, 'greenml-curated', 'estimated', {
        note: `on-demand x ${factor('azure-reserved-1y')} (factor azure-reserved-1y)`,
      });
    }
  }
  const azFamilyMax = (family, key) => Math.max(...[...azSpecs.values()].filter((s) => s && s.family === family).map((s) => s[key]));
  for (const [type, s] of [...azSpecs].filter(([, s]) => s).sort(([a], [b]) => a.localeCompare(b))) {
    const ccf = azEmbodied.get(type.replace(/^Standard_/, '').replace(/_/g, ' '));
    const platformAccelerators = azFamilyMax(s.family, 'count');
    instances.push(instance({
      provider: 'azure', type, family: s.family, vcpus: s.vcpus, memoryGb: s.memoryGb, accelerator: { id: s.series.accelerator, count: s.count },
      cpuName: s.series.cpu, cpuArchitecture: s.series.arch, platformEmbodiedKg: ccf ?? rule(platformAccelerators),
      platformVcpus: azFamilyMax(s.family, 'vcpus'), platformAccelerators, pricingModel: 'bundled', sourceId: 'skypilot-catalog',
      fieldSources: {
        cpuName: 'azure-vm-docs', cpuArchitecture: 'greenml-curated', 'accelerator.id': 'azure-vm-docs',
        ...(s.fixed ? { 'accelerator.count': 'azure-vm-docs' } : {}),
        platformEmbodiedKg: ccf ? 'ccf-coefficients-embodied' : 'greenml-curated',
      },
      fieldQuality: { platformEmbodiedKg: ccf ? 'derived' : 'estimated' },
      notes: s.fixed ? [`Accelerator count corrected to ${s.count} from the ${s.family} documentation (SkyPilot v6 lists a different count).`] : undefined,
    }));
  }

  for (const i of instances) {
    if (i.accelerator && !accById.has(i.accelerator.id)) throw new Error(`${i.id}: unknown accelerator ${i.accelerator.id}`);
  }
  const instanceIds = new Set(instances.map((i) => i.id));
  for (const p of prices) if (!instanceIds.has(p.instance)) throw new Error(`price for unknown instance ${p.instance}`);
  for (const [why, n] of [...dropped].sort()) log.push(`prices dropped: ${n} x ${why}`);
  prices.sort((a, b) => a.instance.localeCompare(b.instance) || a.region.localeCompare(b.region) || a.pricing.localeCompare(b.pricing));
  instances.sort((a, b) => a.id.localeCompare(b.id));
  return { instances, prices };
}

/** An instance record; embodiedKg is the instance's share of its platform (by accelerators, else vCPUs). */
export function instance(x) {
  const share = x.accelerator && x.platformAccelerators ? x.accelerator.count / x.platformAccelerators : x.vcpus && x.platformVcpus ? x.vcpus / x.platformVcpus : 1;
  const rec = {
    id: `${x.provider}:${x.type}`, provider: x.provider, type: x.type, family: x.family, vcpus: x.vcpus, memoryGb: x.memoryGb,
    accelerator: x.accelerator, cpuName: x.cpuName, cpuArchitecture: x.cpuArchitecture,
    platformEmbodiedKg: round(x.platformEmbodiedKg, 2), platformVcpus: x.platformVcpus, platformAccelerators: x.platformAccelerators,
    embodiedKg: round(x.platformEmbodiedKg * share, 2), pricingModel: x.pricingModel,
    sourceId: x.sourceId, year: x.sourceId === 'tsaol-aws-gpu' ? 2026 : 2025, quality: 'official',
    fieldSources: { ...x.fieldSources, embodiedKg: x.fieldSources.platformEmbodiedKg }, fieldQuality: { ...x.fieldQuality, embodiedKg: 'estimated' },
  };
  if (x.notes && x.notes.length) rec.notes = x.notes;
  return rec;
}
