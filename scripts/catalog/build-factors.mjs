/**
 * Single-valued factors: world intensity, PUE defaults, embodied defaults, generic CPU and
 * accelerator fallbacks, and the commitment discounts used where the data has no list price.
 * Values that come from a data file are read from it (and checked); the rest are the cited
 * constants of the tools named in `sourceId`.
 */
import { median, num, round } from './read.mjs';

export function buildFactors(read) {
  const ga = read.csv('GreenAlgorithms__green-algorithms-tool/CI_aggregated.csv', { skipLines: 1 });
  const world = num(ga.find((r) => r.location === 'WORLD')?.carbonIntensity);
  const gaPue = new Map(read.csv('GreenAlgorithms__green-algorithms-tool/defaults_PUE.csv', { skipLines: 1 }).map((r) => [r.provider, num(r.PUE)]));
  const coef = read.csv('cloud-carbon-footprint__cloud-carbon-footprint/ccf_compute_coefficients.csv');
  const ccf = (provider, constant) => num(coef.find((r) => r.provider === provider && r.constant === constant)?.value);
  const gaGpuAny = num(read.csv('GreenAlgorithms__green-algorithms-tool/TDP_gpu.csv', { skipLines: 1 }).find((r) => r.model === 'Any')?.TDP_per_core);
  const gaCpuAny = num(read.csv('GreenAlgorithms__green-algorithms-tool/TDP_cpu.csv', { skipLines: 1 }).find((r) => r.model === 'Any')?.TDP_per_core);
  const tsaol = read.csv('tsaol__aws-gpu__derived/aws_gpu_instances_ondemand_reserved.csv');
  const p4d = tsaol.find((r) => r.instance_type === 'p4d.24xlarge' && r.region === 'us-east-1');
  const awsRatio = round(num(p4d.reserved_1yr_std_noupfront_usd_per_h) / num(p4d.ondemand_usd_per_h), 3);
  // The same ratio over every tsaol row with both prices (GPU families only; 0.615-0.704 in the data).
  const ratios = tsaol.map((r) => num(r.reserved_1yr_std_noupfront_usd_per_h) / num(r.ondemand_usd_per_h)).filter((x) => x > 0 && x < 1);
  const awsMedianRatio = round(median(ratios), 3);

  const f = (id, name, value, unit, sourceId, year, quality, note) => {
    if (value === null || value === undefined || Number.isNaN(value)) throw new Error(`factor ${id}: no value`);
    return { id, name, value, unit, sourceId, year, quality, ...(note ? { note } : {}) };
  };
  return [
    f('world-intensity', 'World average grid carbon intensity (fallback for an unknown location)', world, 'gCO2e/kWh', 'ga-ci-aggregated', 2019, 'derived',
      'IEA Global Energy & CO2 Status Report 2019, as used by Green Algorithms and CodeCarbon; OWID has no world row in the bundled table.'),
    f('pue-aws', 'AWS fleet PUE', ccf('aws', 'PUE_AVG'), 'ratio', 'ccf-constants', 2022, 'official'),
    f('pue-gcp', 'Google Cloud fleet PUE (used where no regional trailing-twelve-month value is published)', ccf('gcp', 'PUE_AVG'), 'ratio', 'ccf-constants', 2022, 'official'),
    f('pue-azure', 'Azure fleet PUE', ccf('azure', 'PUE_AVG'), 'ratio', 'ccf-constants', 2022, 'official'),
    f('pue-unknown', 'PUE of an unknown data centre (industry average)', gaPue.get('Unknown'), 'ratio', 'ga-defaults-pue', 2024, 'measured',
      'Uptime Institute Global Data Center Survey 2024 average, via Green Algorithms.'),
    f('pue-local', 'PUE of a local machine (laptop, workstation, on-prem box without a data-centre overhead)', 1.0, 'ratio', 'codecarbon-defaults', 2026, 'estimated',
      'No cooling or power-distribution overhead is added on top of the measured components; CodeCarbon also defaults to 1.0. Set your own PUE for an on-prem server room.'),
    f('embodied-server-kg', 'Embodied emissions of a base server', 1000, 'kgCO2e', 'if-sci-embodied', 2024, 'estimated', 'Same 1,000 kg base as CCF\'s embodied model.'),
    f('embodied-per-vcpu-kg', 'Embodied emissions added per vCPU beyond the first', 100, 'kgCO2e', 'if-sci-embodied', 2024, 'estimated'),
    f('embodied-per-gpu-kg', 'Embodied emissions per GPU or accelerator board', 150, 'kgCO2e', 'if-sci-embodied', 2024, 'estimated', 'CCF uses the same flat 150 kg per GPU.'),
    f('embodied-per-ssd-kg', 'Embodied emissions per SSD', 50, 'kgCO2e', 'if-sci-embodied', 2024, 'estimated'),
    f('embodied-per-hdd-kg', 'Embodied emissions per HDD', 100, 'kgCO2e', 'if-sci-embodied', 2024, 'estimated'),
    f('server-lifespan-h', 'Expected server lifespan for amortising embodied emissions (4 years)', ccf('aws', 'SERVER_EXPECTED_LIFESPAN'), 'h', 'ccf-constants', 2022, 'estimated',
      'Impact Framework uses the same 4 years (126,144,000 s).'),
    f('cpu-generic-w-per-thread', 'Power per logical CPU for an unrecognised CPU model', 4, 'W per thread', 'codecarbon-defaults', 2026, 'estimated',
      'CodeCarbon DEFAULT_POWER_PER_CORE applied to logical CPUs. Chosen over Green Algorithms\' 12 W per physical core because VMs expose threads (vCPUs), and it is in line with CCF\'s 3.5-4.5 W per vCPU at full load.'),
    f('cpu-generic-package-w', 'Power of an unrecognised CPU when the thread count is unknown', 85, 'W', 'codecarbon-defaults', 2026, 'estimated', 'CodeCarbon POWER_CONSTANT.'),
    f('cpu-any-w-per-core', 'Green Algorithms generic TDP per physical core (alternative, not used by default)', gaCpuAny, 'W per core', 'ga-tdp-cpu', 2025, 'estimated'),
    f('accelerator-generic-tdp-w', 'TDP of an accelerator with no published value', gaGpuAny, 'W', 'ga-tdp-gpu', 2025, 'estimated'),
    f('accelerator-idle-fraction', 'Idle power as a fraction of TDP for accelerators with no measured idle value', 0.11, 'fraction of TDP', 'ccf-constants', 2022, 'estimated',
      'Teads/CCF idle/max: T4 8/71, A10G 18/153, V100 35/306, A100 46/407 = 0.11-0.12.'),
    f('billing-aws-increment-s', 'AWS EC2 Linux billing increment (On-Demand, Spot, Reserved)', 1, 's', 'aws-ec2-pricing', 2017, 'official', 'Per-second billing since 2 October 2017; some Marketplace images bill per hour.'),
    f('billing-aws-minimum-s', 'AWS EC2 Linux minimum billed duration', 60, 's', 'aws-ec2-pricing', 2017, 'official'),
    f('billing-gcp-increment-s', 'Google Compute Engine billing increment (vCPU, memory, GPU)', 1, 's', 'gcp-vm-pricing', 2017, 'official', 'Per-second billing since 26 September 2017.'),
    f('billing-gcp-minimum-s', 'Google Compute Engine minimum billed duration', 60, 's', 'gcp-vm-pricing', 2017, 'official'),
    f('aws-reserved-1y-ratio', 'AWS 1-year standard no-upfront reserved / on-demand (p4d.24xlarge, us-east-1; informational)', awsRatio, 'fraction of on-demand', 'tsaol-aws-gpu', 2026, 'official'),
    f('aws-reserved-1y', 'AWS 1-year standard no-upfront reserved / on-demand, for families without a reserved list price in the data (CPU-only)', awsMedianRatio, 'fraction of on-demand', 'tsaol-aws-gpu', 2026, 'estimated',
      `Median over the ${ratios.length} tsaol GPU rows (AWS list prices, 2026-01-21); applied to CPU-only families, whose reserved prices are not in the data.`),
    f('gcp-vm-commit-1y', 'GCP 1-year resource-based commitment price / on-demand for general-purpose VMs (N2, N2D, C3)', 0.63, 'fraction of on-demand', 'gcp-cud-docs', 2025, 'estimated',
      'Google\'s 1-year resource CUD discount (37 %) on vCPU and memory, as for the GPU factor gcp-gpu-commit-1y.'),
    f('gcp-gpu-commit-1y', 'GCP 1-year resource-based commitment price / on-demand for GPU VMs', 0.63, 'fraction of on-demand', 'gcp-cud-docs', 2025, 'estimated',
      'Google\'s 1-year resource CUD discount (37 %), equal to the AWS 1-year no-upfront ratio observed in the data.'),
    f('gcp-tpu-commit-1y', 'GCP 1-year commitment price / on-demand for TPU v5e, v5p, v6e', 0.7, 'fraction of on-demand', 'gcp-tpu-pricing', 2025, 'estimated',
      'Google TPU pricing: v5e $1.20 -> $0.84, v5p $4.20 -> $2.94, v6e $2.70 -> $1.89 per chip-hour (us-central1).'),
    f('azure-reserved-1y', 'Azure 1-year reserved instance price / pay-as-you-go for GPU VMs', 0.63, 'fraction of on-demand', 'tsaol-aws-gpu', 2026, 'estimated',
      'No Azure reservation prices in the data; assumed equal to the AWS 1-year no-upfront ratio observed in the data.'),
  ];
}
