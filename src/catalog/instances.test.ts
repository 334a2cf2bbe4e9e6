import { describe, expect, it } from 'vitest';
import { findInstance, instanceAcceleratorMemoryGb, listInstances } from './instances.js';
import { listPrices } from './prices.js';

const price = (instance: string, region: string, pricing: string): number | undefined =>
  listPrices({ instance, region, pricing }).at(0)?.usdPerHour;

describe('instances', () => {
  it('covers the ML families of the three providers', () => {
    const families = new Set(listInstances().map((i) => `${i.provider}:${i.family}`));
    for (const f of ['aws:g4dn', 'aws:g5', 'aws:g6', 'aws:g6e', 'aws:p4d', 'aws:p4de', 'aws:p5', 'aws:p5e', 'aws:p5en', 'aws:p6-b200', 'aws:inf2', 'aws:trn1',
      'gcp:a2', 'gcp:a3', 'gcp:tpu-v4', 'gcp:tpu-v5litepod', 'gcp:tpu-v5p', 'gcp:tpu-v6e',
      'azure:NCasT4_v3', 'azure:NCv3', 'azure:NDasrA100_v4', 'azure:NC_A100_v4', 'azure:NCads_H100_v5', 'azure:ND_H100_v5', 'azure:NVadsA10_v5']) {
      expect(families, f).toContain(f);
    }
  });

  it('describes an instance with its accelerator, CPU micro-architecture and embodied emissions', () => {
    // CCF coefficients-aws-embodied.csv: p4d.24xlarge total 4,676.79 kgCO2e (8 GPUs x 150 kg included)
    expect(findInstance('aws:p4d.24xlarge')).toMatchObject({
      vcpus: 96, memoryGb: 1152, accelerator: { id: 'nvidia-a100-sxm4-40gb', count: 8 }, cpuArchitecture: 'Cascade Lake', platformEmbodiedKg: 4676.79, embodiedKg: 4676.79,
    });
    // g4dn.xlarge: 1 of the 8 T4s of a g4dn.metal platform (3,010.79 kg)
    expect(findInstance('g4dn.xlarge').embodiedKg).toBeCloseTo(3010.79 / 8, 2);
    // Rule for platforms CCF does not cover: 1,000 kg + 150 kg per GPU, estimated
    const p5 = findInstance('aws:p5.48xlarge');
    expect(p5.platformEmbodiedKg).toBe(2200);
    expect(p5.fieldQuality?.platformEmbodiedKg).toBe('estimated');
  });

  it('fixes the Azure ND96isr H100 v5 GPU count (SkyPilot lists 12; Azure documents 8)', () => {
    expect(findInstance('azure:Standard_ND96isr_H100_v5').accelerator).toEqual({ id: 'nvidia-h100-sxm5-80gb', count: 8 });
    expect(findInstance('azure:Standard_NC32ads_A10_v4').accelerator).toEqual({ id: 'nvidia-a10', count: 1 });
  });

  it('models TPU slices as chips of one accelerator', () => {
    // v5p names count TensorCores: tpu-v5p-16 = 8 chips
    expect(findInstance('gcp:tpu-v5p-16')).toMatchObject({ accelerator: { id: 'google-tpu-v5p', count: 8 }, vcpus: null, pricingModel: 'tpu-slice' });
  });

  it('filters by provider, accelerator alias and accelerator memory', () => {
    expect(listInstances({ accelerator: 'h100' }).map((i) => i.id)).toEqual(
      expect.arrayContaining(['aws:p5.48xlarge', 'gcp:a3-highgpu-8g', 'azure:Standard_ND96isr_H100_v5']),
    );
    const big = listInstances({ provider: 'aws', minGpuMemoryGb: 640 });
    expect(big.length).toBeGreaterThan(0);
    expect(big.every((i) => i.provider === 'aws' && instanceAcceleratorMemoryGb(i) >= 640)).toBe(true);
    expect(() => listInstances({ accelerator: 'h1OO' })).toThrow(/Unknown accelerator/);
    expect(() => findInstance('aws:p4d.24xlarg')).toThrow(/Did you mean aws:p4d.24xlarge/);
  });
});

describe('prices', () => {
  it('has AWS on-demand and 1-year reserved list prices (tsaol/vantage, 2026-01-21)', () => {
    // tsaol aws_gpu_instances: p4d.24xlarge us-east-1 onDemand 21.957642, reserved 13.921094 (cross-checked with SkyPilot v8)
    expect(price('aws:p4d.24xlarge', 'aws:us-east-1', 'on-demand')).toBe(21.957642);
    expect(price('p4d.24xlarge', 'us-east-1', 'reserved-1y')).toBe(13.921094);
    expect(price('aws:p5.48xlarge', 'aws:us-east-1', 'on-demand')).toBe(55.04);
    expect(listPrices({ instance: 'aws:p4d.24xlarge', region: 'aws:us-east-1', pricing: 'on-demand' })[0]).toMatchObject({ observedAt: '2026-01-21', sourceId: 'tsaol-aws-gpu', quality: 'official' });
  });

  it('summarises AWS spot per region as the median over zones, keeping the cheapest zone', () => {
    const spot = listPrices({ instance: 'aws:p4d.24xlarge', region: 'aws:us-east-1', pricing: 'spot' })[0]!;
    expect(spot.zones).toBeGreaterThan(0);
    expect(spot.spotMinUsdPerHour).toBeLessThanOrEqual(spot.usdPerHour);
    expect(spot.usdPerHour).toBeLessThan(21.957642);
  });

  it('joins a GCP host VM and its GPUs into one priced offer', () => {
    // SkyPilot v8: a3-edgegpu-8g host us-east4 $9.46006/h + H100 x8 attach $78.37241/h
    expect(price('gcp:a3-edgegpu-8g', 'gcp:us-east4', 'on-demand')).toBeCloseTo(9.46006 + 78.37241, 5);
    // a2-highgpu-8g us-central1: host $5.91582 + A100 x8 $23.47126
    expect(price('gcp:a2-highgpu-8g', 'gcp:us-central1', 'on-demand')).toBeCloseTo(29.38708, 5);
    // 1-year commitment = on-demand x 0.63 (estimated factor)
    const reserved = listPrices({ instance: 'gcp:a2-highgpu-8g', region: 'gcp:us-central1', pricing: 'reserved-1y' })[0]!;
    expect(reserved.usdPerHour).toBeCloseTo(29.38708 * 0.63, 4);
    expect(reserved.quality).toBe('estimated');
  });

  it('drops flex-start-like GCP GPU prices and sentinels', () => {
    // H100 $4.20/h in us-central1 next to $9.80-12.74 elsewhere: not an on-demand price.
    expect(price('gcp:a3-highgpu-8g', 'gcp:us-central1', 'on-demand')).toBeUndefined();
    expect(listPrices().some((p) => p.usdPerHour === 700)).toBe(false);
  });

  it('never has a spot or reserved price at or above on-demand', () => {
    const od = new Map(listPrices({ pricing: 'on-demand' }).map((p) => [`${p.instance}|${p.region}`, p.usdPerHour]));
    for (const p of listPrices()) {
      const ref = od.get(`${p.instance}|${p.region}`);
      if (p.pricing !== 'on-demand' && ref !== undefined) expect(p.usdPerHour, `${p.instance} ${p.region} ${p.pricing}`).toBeLessThan(ref);
    }
    // Azure H100 v5 lists spot = on-demand (no spot market): dropped.
    expect(listPrices({ instance: 'azure:Standard_ND96isr_H100_v5', pricing: 'spot' })).toEqual([]);
  });

  it('validates filters', () => {
    expect(() => listPrices({ pricing: 'reserved' })).toThrow(/Unknown pricing "reserved". Did you mean reserved-1y/);
    expect(() => listPrices({ region: 'us-east-9' })).toThrow(/Unknown region/);
    expect(listPrices({ provider: 'azure' }).every((p) => p.provider === 'azure')).toBe(true);
  });
});

describe('CPU-only instances (SkyPilot rows transcribed in scripts/catalog/cpu-prices-skypilot.csv)', () => {
  it('covers general-purpose and compute-optimised families of the three providers, without accelerators', () => {
    const cpu = listInstances().filter((i) => i.accelerator === null);
    expect(new Set(cpu.map((i) => `${i.provider}:${i.family}`))).toEqual(new Set([
      'aws:m6i', 'aws:c6i', 'aws:m7i', 'aws:c7i', 'aws:m7g', 'aws:c7g', 'gcp:n2-standard', 'gcp:n2d-standard', 'gcp:c3-standard', 'azure:Dsv5',
    ]));
    for (const i of cpu) {
      expect(i.vcpus, i.id).toBeGreaterThan(0);
      expect(i.cpuArchitecture, i.id).not.toBeNull();
      expect(listPrices({ instance: i.id, pricing: 'on-demand' }).length, i.id).toBeGreaterThan(0);
    }
    // CCF 2026 instance table: c7g is Graviton3, n2d-standard the EPYC 7B12 (2nd Gen)
    expect(findInstance('aws:c7g.xlarge')).toMatchObject({ vcpus: 4, memoryGb: 8, cpuArchitecture: 'Graviton3' });
    expect(findInstance('gcp:n2d-standard-8')).toMatchObject({ vcpus: 8, memoryGb: 32, cpuName: 'AMD EPYC 7B12', cpuArchitecture: 'EPYC 2nd Gen' });
  });

  it('shares a CCF platform by vCPUs, or the 1,000 kg rule marked estimated', () => {
    // CCF coefficients-aws-embodied.csv: m6i total 1,788.46 kg for the 128-vCPU platform
    expect(findInstance('aws:m6i.large').embodiedKg).toBeCloseTo((1788.46 * 2) / 128, 2);
    const c3 = findInstance('gcp:c3-standard-22');
    expect(c3.platformEmbodiedKg).toBe(1000);
    expect(c3.fieldQuality?.platformEmbodiedKg).toBe('estimated');
  });

  it('spot-checks transcribed list prices', () => {
    // skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv @ 00148f2a, rows "c6i.large,,,2.0,4.0,,0.085,<spot>,us-east-1,use1-az{1,2,4,5,6},x86_64":
    // spot 0.0385 0.0379 0.0469 0.0364 0.0368 (the Local Zone row use1-atl2-az1 left out)
    expect(price('aws:c6i.large', 'aws:us-east-1', 'on-demand')).toBe(0.085);
    expect(listPrices({ instance: 'aws:c6i.large', region: 'aws:us-east-1', pricing: 'spot' })[0]).toMatchObject({ usdPerHour: 0.0379, spotMinUsdPerHour: 0.0364, zones: 5 });
    // catalogs/v8/gcp/vms.csv @ 006059e0, row "n2-standard-8,8.0,32.0,,,,us-central1,us-central1-a,0.38847,0.12701"
    expect(price('gcp:n2-standard-8', 'gcp:us-central1', 'on-demand')).toBe(0.38847);
    expect(price('gcp:n2-standard-8', 'gcp:us-central1', 'spot')).toBe(0.12701);
    // catalogs/v6/azure/vms.csv @ 098741e7, row "Standard_D4s_v5,,,4.0,16,,0.192,0.02112,eastus,\"V1,V2\""
    expect(price('azure:Standard_D4s_v5', 'azure:eastus', 'on-demand')).toBe(0.192);
    expect(price('azure:Standard_D4s_v5', 'azure:eastus', 'spot')).toBe(0.02112);
  });

  it('estimates 1-year commitments from on-demand with cited factors and drops off-tier GCP prices', () => {
    const reserved = listPrices({ instance: 'aws:c6i.large', region: 'aws:us-east-1', pricing: 'reserved-1y' })[0]!;
    expect(reserved).toMatchObject({ quality: 'estimated', note: 'on-demand x 0.63 (factor aws-reserved-1y)' });
    expect(reserved.usdPerHour).toBeCloseTo(0.085 * 0.63, 6);
    // SkyPilot lists n2d-standard-8 in asia-south1 at $0.22306/h, below us-central1's $0.33797: not kept as on-demand.
    expect(price('gcp:n2d-standard-8', 'gcp:asia-south1', 'on-demand')).toBeUndefined();
    expect(price('gcp:n2d-standard-8', 'gcp:asia-south1', 'spot')).toBe(0.09787);
  });
});
