/**
 * Instance families greenml prices for ML planning: which accelerator each carries, the host CPU and
 * its micro-architecture, and the provider's accelerator name in the price sources.
 * cpuSource: where the CPU name comes from (CCF 2026 instance table, or the provider's documentation
 * where CCF's is wrong or absent).
 */

/** AWS families: accelerator by family (p3/p3dn and p4d/p4de differ only in GPU memory). */
export const AWS_FAMILIES = {
  g4dn: { accelerator: 'nvidia-t4', cpu: 'Intel Xeon Platinum 8259CL', arch: 'Cascade Lake', cpuSource: 'ccf-coefficients-instances' },
  g5: { accelerator: 'nvidia-a10g', cpu: 'AMD EPYC 7R32', arch: 'EPYC 2nd Gen', cpuSource: 'ccf-coefficients-instances' },
  g6: { accelerator: 'nvidia-l4', cpu: 'AMD EPYC 7R13', arch: 'EPYC 3rd Gen', cpuSource: 'ccf-coefficients-instances' },
  g6e: { accelerator: 'nvidia-l40s', cpu: 'AMD EPYC 7R13', arch: 'EPYC 3rd Gen', cpuSource: 'ccf-coefficients-instances' },
  p3: { accelerator: 'nvidia-v100-sxm2-16gb', cpu: 'Intel Xeon E5-2686 v4', arch: 'Broadwell', cpuSource: 'aws-ec2-docs' },
  p3dn: { accelerator: 'nvidia-v100-sxm2-32gb', cpu: 'Intel Xeon Platinum 8175M', arch: 'Skylake', cpuSource: 'aws-ec2-docs' },
  // CCF's 2026 table lists the Skylake 8175M for p4d/p4de; AWS documents Cascade Lake P-8275CL.
  p4d: { accelerator: 'nvidia-a100-sxm4-40gb', cpu: 'Intel Xeon Platinum 8275CL', arch: 'Cascade Lake', cpuSource: 'aws-ec2-docs', cpuFix: 'CCF lists Intel Xeon Platinum 8175M (Skylake)' },
  // Same platform as p4d (8 x A100 SXM4, 96 vCPU), which CCF's embodied table covers.
  p4de: { accelerator: 'nvidia-a100-sxm4-80gb', cpu: 'Intel Xeon Platinum 8275CL', arch: 'Cascade Lake', cpuSource: 'aws-ec2-docs', cpuFix: 'CCF lists Intel Xeon Platinum 8175M (Skylake)', embodiedFrom: 'p4d.24xlarge' },
  p5: { accelerator: 'nvidia-h100-sxm5-80gb', cpu: 'AMD EPYC 7R13', arch: 'EPYC 3rd Gen', cpuSource: 'ccf-coefficients-instances' },
  p5e: { accelerator: 'nvidia-h200-sxm-141gb', cpu: 'AMD EPYC 7R13', arch: 'EPYC 3rd Gen', cpuSource: 'ccf-coefficients-instances' },
  p5en: { accelerator: 'nvidia-h200-sxm-141gb', cpu: 'Intel Xeon Sapphire Rapids', arch: 'Sapphire Rapids', cpuSource: 'ccf-coefficients-instances' },
  'p6-b200': { accelerator: 'nvidia-b200-180gb', cpu: 'Intel Xeon Emerald Rapids', arch: 'Emerald Rapids', cpuSource: 'ccf-coefficients-instances' },
  inf2: { accelerator: 'aws-inferentia2', cpu: 'AMD EPYC 7R13', arch: 'EPYC 3rd Gen', cpuSource: 'ccf-coefficients-instances' },
  trn1: { accelerator: 'aws-trainium1', cpu: 'Intel Xeon Ice Lake 8375C', arch: 'Ice Lake', cpuSource: 'ccf-coefficients-instances' },
  trn1n: { accelerator: 'aws-trainium1', cpu: 'Intel Xeon Ice Lake 8375C', arch: 'Ice Lake', cpuSource: 'ccf-coefficients-instances' },
};

/** GCP accelerator names in the SkyPilot price rows. */
export const GCP_ACCELERATORS = {
  A100: 'nvidia-a100-sxm4-40gb',
  'A100-80GB': 'nvidia-a100-sxm4-80gb',
  H100: 'nvidia-h100-sxm5-80gb',
};

/**
 * GCP machine types priced as host VM + N x GPU attach price (catalogs.md section 4.1).
 * hostFrom: the host row to price from, times hostScale (a3-highgpu-8g's host is 8 x a3-highgpu-1g:
 * A3 hosts are priced per vCPU and GB, which a3-edgegpu-8g's price confirms).
 */
export const GCP_GPU_MACHINES = [
  { type: 'a2-highgpu-1g', family: 'a2', gpu: 'A100', count: 1, vcpus: 12, memoryGb: 85, arch: 'Cascade Lake', cpu: 'Intel Xeon Platinum 8273CL' },
  { type: 'a2-highgpu-8g', family: 'a2', gpu: 'A100', count: 8, vcpus: 96, memoryGb: 680, arch: 'Cascade Lake', cpu: 'Intel Xeon Platinum 8273CL' },
  { type: 'a2-ultragpu-1g', family: 'a2', gpu: 'A100-80GB', count: 1, vcpus: 12, memoryGb: 170, arch: 'Cascade Lake', cpu: 'Intel Xeon Platinum 8273CL' },
  { type: 'a2-ultragpu-8g', family: 'a2', gpu: 'A100-80GB', count: 8, vcpus: 96, memoryGb: 1360, arch: 'Cascade Lake', cpu: 'Intel Xeon Platinum 8273CL' },
  { type: 'a3-highgpu-1g', family: 'a3', gpu: 'H100', count: 1, vcpus: 26, memoryGb: 234, arch: 'Sapphire Rapids', cpu: 'Intel Xeon Platinum 8481C' },
  { type: 'a3-highgpu-8g', family: 'a3', gpu: 'H100', count: 8, vcpus: 208, memoryGb: 1872, arch: 'Sapphire Rapids', cpu: 'Intel Xeon Platinum 8481C', hostFrom: 'a3-highgpu-1g', hostScale: 8 },
  { type: 'a3-edgegpu-8g', family: 'a3', gpu: 'H100', count: 8, vcpus: 208, memoryGb: 1872, arch: 'Sapphire Rapids', cpu: 'Intel Xeon Platinum 8481C' },
];

/** TPU slices: accelerator and chips per host (v4/v5p hosts carry 4 chips, v5e/v6e hosts 8). */
export const GCP_TPUS = {
  'tpu-v4': { accelerator: 'google-tpu-v4', chipsPerHost: 4 },
  'tpu-v5litepod': { accelerator: 'google-tpu-v5e', chipsPerHost: 8 },
  'tpu-v5p': { accelerator: 'google-tpu-v5p', chipsPerHost: 4 },
  'tpu-v6e': { accelerator: 'google-tpu-v6e', chipsPerHost: 8 },
};

/** Azure sizes (SkyPilot v6 names), with the CPU each series documents. */
export const AZURE_SERIES = [
  { match: /^Standard_NC\d+as_T4_v3$/, family: 'NCasT4_v3', accelerator: 'nvidia-t4', arch: 'EPYC 2nd Gen', cpu: 'AMD EPYC 7V12', ccfFamily: 'NCas_T4_v3 Series' },
  { match: /^Standard_NC\d+s_v3$/, family: 'NCv3', accelerator: 'nvidia-v100-pcie-16gb', arch: 'Broadwell', cpu: 'Intel Xeon E5-2690 v4', ccfFamily: 'NCsv3-series' },
  { match: /^Standard_ND40rs_v2$/, family: 'NDv2', accelerator: 'nvidia-v100-sxm2-32gb', arch: 'Skylake', cpu: 'Intel Xeon Platinum 8168', ccfFamily: 'NDv2 Series' },
  { match: /^Standard_NC\d+ads_A100_v4$/, family: 'NC_A100_v4', accelerator: 'nvidia-a100-pcie-80gb', arch: 'EPYC 3rd Gen', cpu: 'AMD EPYC 7V13' },
  { match: /^Standard_ND96asr_v4$/, family: 'NDasrA100_v4', accelerator: 'nvidia-a100-sxm4-40gb', arch: 'EPYC 2nd Gen', cpu: 'AMD EPYC 7V12' },
  { match: /^Standard_ND96amsr_A100_v4$/, family: 'NDm_A100_v4', accelerator: 'nvidia-a100-sxm4-80gb', arch: 'EPYC 2nd Gen', cpu: 'AMD EPYC 7V12' },
  { match: /^Standard_NC\d+adi?s_H100_v5$/, family: 'NCads_H100_v5', accelerator: 'nvidia-h100-nvl-94gb', arch: 'EPYC 4th Gen', cpu: 'AMD EPYC 9V84' },
  { match: /^Standard_ND96isr_H100_v5$/, family: 'ND_H100_v5', accelerator: 'nvidia-h100-sxm5-80gb', arch: 'Sapphire Rapids', cpu: 'Intel Xeon Platinum 8480C', fixCount: 8 },
  { match: /^Standard_NV\d+ads_A10_v5$/, family: 'NVadsA10_v5', accelerator: 'nvidia-a10', arch: 'EPYC 3rd Gen', cpu: 'AMD EPYC 74F3V' },
  // NC8ads/NC16ads_A10_v4 get 1/3 and 2/3 of a GPU; only the whole-GPU size is kept.
  { match: /^Standard_NC32ads_A10_v4$/, family: 'NCads_A10_v4', accelerator: 'nvidia-a10', arch: 'EPYC 3rd Gen', cpu: 'AMD EPYC 74F3V', fixCount: 1 },
];

/** 1-year commitment price as a fraction of on-demand where no list price is in the data (estimated). */
export const COMMIT_1Y = {
  'gcp-gpu': { factorId: 'gcp-gpu-commit-1y' },
  'gcp-tpu': { factorId: 'gcp-tpu-commit-1y' },
  azure: { factorId: 'azure-reserved-1y' },
};

/**
 * GCP attach prices below this fraction of the accelerator's highest regional price are a different
 * SKU (Dynamic Workload Scheduler / flex-start), not on-demand: e.g. H100 $4.20 in us-central1 next
 * to $9.80-12.74 elsewhere, while a3-highgpu-8g lists at ~$88/h (host $9.46 + 8 x $9.80).
 */
export const GCP_DWS_THRESHOLD = 0.6;

/** Price dates: tsaol says "Last updated 2026-01-21"; SkyPilot rows carry no date (lower bounds from content). */
export const OBSERVED = {
  tsaol: '2026-01-21',
  skypilotV8: '2025-10-01',
  skypilotAzureV6: '2024-06-01',
};

/**
 * CPU-only families (no accelerator) priced from scripts/catalog/cpu-prices-skypilot.csv, for
 * CPU workloads (preprocessing, CPU training and inference). `match` picks the family from the
 * instance type. vCPUs, memory and the CPU name come from the CCF 2026 instance tables where they
 * list the type (checked against the price rows); `arch` is the micro-architecture whose watts per
 * vCPU the planner uses. `ccfEmbodied` names the type whose CCF embodied total covers the
 * platform (same for every size); otherwise the platform is the 1,000 kg rule (estimated).
 * `platformVcpus` is given only where no CCF table sizes the platform (Azure Dsv5: D96s_v5).
 */
export const CPU_FAMILIES = [
  { provider: 'aws', family: 'm6i', match: /^m6i\./, arch: 'Ice Lake', ccfEmbodied: 'm6i.large' },
  { provider: 'aws', family: 'c6i', match: /^c6i\./, arch: 'Ice Lake' },
  { provider: 'aws', family: 'm7i', match: /^m7i\./, arch: 'Sapphire Rapids' },
  { provider: 'aws', family: 'c7i', match: /^c7i\./, arch: 'Sapphire Rapids' },
  { provider: 'aws', family: 'm7g', match: /^m7g\./, arch: 'Graviton3' },
  { provider: 'aws', family: 'c7g', match: /^c7g\./, arch: 'Graviton3' },
  { provider: 'gcp', family: 'n2-standard', match: /^n2-standard-\d+$/, ccfEmbodied: 'n2-standard-2' },
  { provider: 'gcp', family: 'n2d-standard', match: /^n2d-standard-\d+$/, ccfEmbodied: 'n2d-standard-2' },
  { provider: 'gcp', family: 'c3-standard', match: /^c3-standard-\d+$/ },
  // Azure documents Dsv5 on Ice Lake 8370C or Sapphire Rapids 8473C; CCF has no Dv5 row.
  { provider: 'azure', family: 'Dsv5', match: /^Standard_D\d+s_v5$/, arch: 'Ice Lake', cpu: 'Intel Xeon Platinum 8370C', platformVcpus: 96 },
];

/**
 * GCP on-demand CPU prices below the same machine type's us-central1 price (Google's lowest price
 * tier) are treated as a different SKU and dropped: SkyPilot v8 lists n2d in asia-south1 at about
 * 0.66 x us-central1 while n2 there costs 1.2 x, a pattern no Google price page shows.
 */
export const GCP_CPU_FLOOR_REGION = 'us-central1';
