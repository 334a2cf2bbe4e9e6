/**
 * The sources table of the bundled catalog: every record's `sourceId` (and every entry of its
 * `fieldSources`) must name one of these. Repo/path/commit point at the exact snapshot read for
 * the shared data bundle (see /work/shared/data/catalogs/SOURCES.md); datasheets and provider pages
 * are cited by URL. `retrieved` is when the greenml bundle was collected.
 */
const BUNDLE = '2026-11-22';

const REPO_CCF = 'cloud-carbon-footprint/cloud-carbon-footprint';
const REPO_CCF_COEF = 'cloud-carbon-footprint/ccf-coefficients';
const REPO_GA = 'GreenAlgorithms/green-algorithms-tool';
const REPO_CC = 'mlco2/codecarbon';
const COMMIT_CCF = 'b7a049c7d25c0022919ab9010199dd9e77aa4577';
const COMMIT_CCF_COEF = 'b0032d928c787cf76cecd7d1d611c5b46f366e29';
const COMMIT_GA = '30df2feead1c7f5db87a3d86ca1239470a0cd415';
const COMMIT_CC = 'b05965e43b690cdc53787c7577adbe6e2caf4ed9';

const GA_ATTRIBUTION = 'Green Algorithms (Lannelongue, Grealey & Inouye, Adv. Sci. 2021, doi:10.1002/advs.202100707), green-algorithms.org, CC-BY-4.0';
const CCF_ATTRIBUTION = 'Cloud Carbon Footprint, © Thoughtworks, Inc., Apache-2.0';

/** @type {Array<Record<string, unknown>>} */
export const SOURCES = [
  // --- carbon intensity, PUE ---
  {
    id: 'gcp-region-carbon-info',
    source: 'Google Cloud, region-carbon-info data/yearly/2024.csv (grid carbon intensity and CFE% per region)',
    repo: 'GoogleCloudPlatform/region-carbon-info', path: 'data/yearly/2024.csv', commit: '49f3f26bfd682305e8d9b572fea1f811900421a9',
    url: 'https://github.com/GoogleCloudPlatform/region-carbon-info', licence: 'Apache-2.0',
    attribution: 'Carbon data across GCP regions, © Google LLC, Apache-2.0', year: 2024, retrieved: BUNDLE,
  },
  {
    id: 'owid-ember',
    source: 'Our World in Data / Ember, carbon intensity of electricity by country (via CodeCarbon global_energy_mix.json)',
    repo: REPO_CC, path: 'codecarbon/data/private_infra/global_energy_mix.json', commit: COMMIT_CC,
    url: 'https://ourworldindata.org/grapher/carbon-intensity-electricity', licence: 'CC-BY-4.0 (OWID/Ember data) in an MIT repository',
    attribution: 'Our World in Data based on Ember and the Energy Institute Statistical Review of World Energy, CC-BY-4.0; compiled by CodeCarbon (MIT)',
    year: 2023, retrieved: BUNDLE,
  },
  {
    id: 'ga-ci-aggregated',
    source: 'Green Algorithms CI_aggregated.csv (US state and Canadian province intensities from carbonfootprint.com 2022 and Canada UNFCCC 2021; world 475 g/kWh from IEA 2019)',
    repo: REPO_GA, path: 'data/latest/CI_aggregated.csv', commit: COMMIT_GA,
    url: 'https://github.com/GreenAlgorithms/green-algorithms-tool', licence: 'CC-BY-4.0', attribution: GA_ATTRIBUTION, year: 2020, retrieved: BUNDLE,
  },
  {
    id: 'ga-defaults-pue',
    source: 'Green Algorithms defaults_PUE.csv (Unknown data centre 1.56 from the Uptime Institute Global Data Center Survey 2024)',
    repo: REPO_GA, path: 'data/latest/defaults_PUE.csv', commit: COMMIT_GA,
    url: 'https://datacenter.uptimeinstitute.com/rs/711-RIA-145/images/2024.GlobalDataCenterSurvey.Report.pdf', licence: 'CC-BY-4.0',
    attribution: GA_ATTRIBUTION, year: 2024, retrieved: BUNDLE,
  },
  {
    id: 'ccf-constants',
    source: 'Cloud Carbon Footprint *FootprintEstimationConstants.ts (grid factors, PUE, GPU min/max W, CPU fallback averages, server lifespan)',
    repo: REPO_CCF, path: 'packages/{aws,gcp,azure,core}/src/domain/*FootprintEstimationConstants.ts', commit: COMMIT_CCF,
    url: 'https://github.com/cloud-carbon-footprint/cloud-carbon-footprint', licence: 'Apache-2.0', attribution: CCF_ATTRIBUTION,
    year: 2022, retrieved: BUNDLE,
  },
  {
    id: 'ccf-azure-regions',
    source: 'Cloud Carbon Footprint AzureRegions.ts (AZURE_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES)',
    repo: REPO_CCF, path: 'packages/azure/src/lib/AzureRegions.ts', url: 'https://github.com/cloud-carbon-footprint/cloud-carbon-footprint',
    licence: 'Apache-2.0', attribution: CCF_ATTRIBUTION, year: 2023, retrieved: BUNDLE,
  },
  // --- CPU ---
  {
    id: 'ccf-coefficients-use',
    source: 'ccf-coefficients output/coefficients-{aws,gcp,azure}-use.csv (W per vCPU at idle and 100 % by micro-architecture, from SPECpower_ssj2008)',
    repo: REPO_CCF_COEF, path: 'output/coefficients-{aws,gcp,azure}-use.csv', commit: COMMIT_CCF_COEF,
    url: 'https://github.com/cloud-carbon-footprint/ccf-coefficients', licence: 'Apache-2.0', attribution: CCF_ATTRIBUTION,
    year: 2026, retrieved: BUNDLE,
  },
  {
    id: 'ccf-coefficients-embodied',
    source: 'ccf-coefficients output/coefficients-{aws,gcp,azure}-embodied.csv (platform embodied kgCO2e: 1,000 kg base + memory, storage, CPU and 150 kg per GPU)',
    repo: REPO_CCF_COEF, path: 'output/coefficients-{aws,gcp-embodied-mean,azure}-embodied.csv', commit: COMMIT_CCF_COEF,
    url: 'https://github.com/cloud-carbon-footprint/ccf-coefficients', licence: 'Apache-2.0', attribution: CCF_ATTRIBUTION,
    year: 2021, retrieved: BUNDLE,
  },
  {
    id: 'ccf-coefficients-instances',
    source: 'ccf-coefficients data/{aws,gcp}-instances-latest-2026.csv (instance vCPU, memory, platform CPU)',
    repo: REPO_CCF_COEF, path: 'data/{aws,gcp}-instances-latest-2026.csv', commit: COMMIT_CCF_COEF,
    url: 'https://github.com/cloud-carbon-footprint/ccf-coefficients', licence: 'Apache-2.0 (repository)', attribution: CCF_ATTRIBUTION,
    year: 2026, retrieved: BUNDLE,
  },
  {
    id: 'codecarbon-cpu-power',
    source: 'CodeCarbon cpu_power.csv (TDP per CPU package by model name)',
    repo: REPO_CC, path: 'codecarbon/data/hardware/cpu_power.csv', commit: COMMIT_CC,
    url: 'https://github.com/mlco2/codecarbon', licence: 'MIT', attribution: 'CodeCarbon, © the CodeCarbon authors, MIT', year: 2026, retrieved: BUNDLE,
  },
  {
    id: 'codecarbon-defaults',
    source: 'CodeCarbon defaults (codecarbon/core/cpu.py, codecarbon/external/hardware.py): 4 W per logical CPU, 85 W constant, PUE 1.0',
    repo: REPO_CC, path: 'codecarbon/core/cpu.py', commit: COMMIT_CC,
    url: 'https://github.com/mlco2/codecarbon', licence: 'MIT', attribution: 'CodeCarbon, © the CodeCarbon authors, MIT', year: 2026, retrieved: BUNDLE,
  },
  {
    id: 'ga-tdp-cpu',
    source: 'Green Algorithms TDP_cpu.csv (TDP and core count per CPU model; "Any" = 12 W per core)',
    repo: REPO_GA, path: 'data/latest/TDP_cpu.csv', commit: COMMIT_GA,
    url: 'https://github.com/GreenAlgorithms/green-algorithms-tool', licence: 'CC-BY-4.0', attribution: GA_ATTRIBUTION, year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'ga-tdp-gpu',
    source: 'Green Algorithms TDP_gpu.csv ("Any" GPU = 200 W)',
    repo: REPO_GA, path: 'data/latest/TDP_gpu.csv', commit: COMMIT_GA,
    url: 'https://github.com/GreenAlgorithms/green-algorithms-tool', licence: 'CC-BY-4.0', attribution: GA_ATTRIBUTION, year: 2025, retrieved: BUNDLE,
  },
  // --- embodied ---
  {
    id: 'if-sci-embodied',
    source: 'Impact Framework sci-embodied builtin defaults (server 1,000 kg, +100 kg per vCPU, +150 kg per GPU, +50 kg per SSD, +100 kg per HDD, 4-year lifespan)',
    repo: 'Green-Software-Foundation/if', path: 'src/if-run/builtins/sci-embodied/index.ts',
    url: 'https://github.com/Green-Software-Foundation/if', licence: 'MIT', attribution: 'Green Software Foundation Impact Framework, MIT', year: 2024, retrieved: BUNDLE,
  },
  // --- accelerators ---
  {
    id: 'epoch-ml-hardware',
    source: 'Epoch AI, "Data on Machine Learning Hardware" (ml_hardware.csv)',
    repo: 'natepaulo43-oss/Capstone-AI-Capex-Wall', path: 'data/ml_hardware.csv', commit: '73ab8a4b77886be5396772f757da064fb1e02ce4',
    url: 'https://epoch.ai/data/machine-learning-hardware', licence: 'CC-BY-4.0',
    attribution: "Epoch AI, 'Data on Machine Learning Hardware', epoch.ai, CC-BY-4.0", year: 2026, retrieved: BUNDLE,
  },
  ...datasheet('nvidia-t4-datasheet', 'NVIDIA T4 Tensor Core GPU datasheet', 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf', 2019),
  ...datasheet('nvidia-a10-datasheet', 'NVIDIA A10 Tensor Core GPU datasheet', 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a10/pdf/a10-datasheet.pdf', 2021),
  ...datasheet('nvidia-l4-datasheet', 'NVIDIA L4 Tensor Core GPU datasheet', 'https://nvdam.widen.net/s/rvq98gbwsw/l4-datasheet-2595652', 2023),
  ...datasheet('nvidia-l40s-datasheet', 'NVIDIA L40S GPU datasheet', 'https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413', 2023),
  ...datasheet('nvidia-v100-datasheet', 'NVIDIA V100 Tensor Core GPU datasheet', 'https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf', 2020),
  ...datasheet('nvidia-a100-datasheet', 'NVIDIA A100 Tensor Core GPU datasheet', 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf', 2021),
  ...datasheet('nvidia-h100-datasheet', 'NVIDIA H100 Tensor Core GPU datasheet', 'https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet', 2023),
  ...datasheet('nvidia-h100-nvl-brief', 'NVIDIA H100 NVL product brief PB-11773-001', 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/h100/PB-11773-001_v01.pdf', 2023),
  ...datasheet('nvidia-h200-datasheet', 'NVIDIA H200 Tensor Core GPU datasheet', 'https://nvdam.widen.net/s/nb5zzzsjdf/hpc-datasheet-sc23-h200-datasheet-3002446', 2024),
  {
    id: 'baseten-a10-vs-a10g',
    source: 'Baseten, "NVIDIA A10 vs A10G for ML model inference" (A10G tensor specifications; NVIDIA publishes no A10G datasheet)',
    url: 'https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/', licence: 'facts cited from a public article',
    attribution: 'Baseten blog', year: 2023, retrieved: BUNDLE,
  },
  ...datasheet('google-tpu-docs', 'Google Cloud TPU system architecture pages (v4, v5e, v5p, v6e)', 'https://cloud.google.com/tpu/docs/system-architecture-tpu-vm', 2025),
  ...datasheet('aws-neuron-docs', 'AWS Neuron documentation, Inferentia2 / Trainium / Trainium2 architecture', 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/inferentia2.html', 2025),
  // --- instances, prices ---
  {
    id: 'skypilot-catalog',
    source: 'SkyPilot catalog v8 (AWS, GCP) and v6 (Azure) vms.csv, transcribed subset of public list prices',
    repo: 'skypilot-org/skypilot-catalog', path: 'catalogs/v8/gcp/vms.csv, catalogs/v8/aws/vms.csv, catalogs/v6/azure/vms.csv',
    commit: '006059e0f18acb1341e22a27751e9f80df6ba92f (gcp), 00148f2af3672e2229b4f7bf8157d5a3f36e3c35 (aws), 098741e70562f65d7af1cceb81e33b284f742604 (azure)',
    url: 'https://github.com/skypilot-org/skypilot-catalog',
    licence: 'none stated (no LICENSE file); only the clouds\' public list prices are reused, with attribution',
    attribution: 'Prices as compiled by the SkyPilot project (skypilot-org/skypilot-catalog) from the AWS, Google Cloud and Azure public price lists',
    year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'skypilot-catalog-cpu',
    source: 'SkyPilot catalog v8 (AWS, GCP) and v6 (Azure) vms.csv: CPU-only instance rows (m6i, c6i, m7i, c7i, m7g, c7g; n2, n2d, c3 standard; Azure Dsv5) transcribed by greenml into scripts/catalog/cpu-prices-skypilot.csv',
    repo: 'skypilot-org/skypilot-catalog', path: 'catalogs/v8/aws/vms.csv, catalogs/v8/gcp/vms.csv, catalogs/v6/azure/vms.csv',
    commit: '00148f2af3672e2229b4f7bf8157d5a3f36e3c35 (aws), 006059e0f18acb1341e22a27751e9f80df6ba92f (gcp), 098741e70562f65d7af1cceb81e33b284f742604 (azure)',
    url: 'https://github.com/skypilot-org/skypilot-catalog',
    licence: 'none stated (no LICENSE file); only the clouds\' public list prices are reused, with attribution',
    attribution: 'Prices as compiled by the SkyPilot project (skypilot-org/skypilot-catalog) from the AWS, Google Cloud and Azure public price lists',
    year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'azure-vm-docs-general',
    source: 'Microsoft Azure Dsv5 size series page (Intel Xeon Platinum 8370C Ice Lake or 8473C Sapphire Rapids; sizes D2s_v5 to D96s_v5)',
    url: 'https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv5-series', licence: 'facts from provider documentation',
    attribution: 'Microsoft Azure documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'tsaol-aws-gpu',
    source: 'tsaol/aws-gpu data/all_gpu_instances.js (AWS GPU instances, on-demand and 1-year standard no-upfront reserved, Linux, per region; from instances.vantage.sh)',
    repo: 'tsaol/aws-gpu', path: 'data/all_gpu_instances.js', commit: '77fcd9fe1d0652fd07b830e5ed030d61da87923e',
    url: 'https://github.com/tsaol/aws-gpu', licence: 'unknown (README shows MIT, no LICENSE file); AWS public list prices',
    attribution: 'AWS public list prices as compiled by tsaol/aws-gpu from vantage-sh/ec2instances.info', year: 2026, retrieved: '2026-01-21',
  },
  {
    id: 'aws-ec2-docs',
    source: 'AWS EC2 accelerated computing instance specifications (processor per family)',
    url: 'https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html', licence: 'facts from provider documentation',
    attribution: 'Amazon Web Services documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'gcp-gpu-docs',
    source: 'Google Cloud GPU machine types and CPU platforms',
    url: 'https://cloud.google.com/compute/docs/gpus', licence: 'facts from provider documentation',
    attribution: 'Google Cloud documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'azure-vm-docs',
    source: 'Microsoft Azure GPU VM size series pages (NCasT4_v3, NCv3, NDv2, NDasrA100_v4, NDm A100 v4, NC A100 v4, NCads H100 v5, ND H100 v5, NVadsA10 v5, NCads A10 v4)',
    url: 'https://learn.microsoft.com/azure/virtual-machines/sizes/overview', licence: 'facts from provider documentation',
    attribution: 'Microsoft Azure documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'aws-ec2-pricing',
    source: 'Amazon EC2 On-Demand pricing (per-second billing, 60-second minimum, Linux)',
    url: 'https://aws.amazon.com/ec2/pricing/on-demand/', licence: 'facts from provider documentation',
    attribution: 'Amazon Web Services documentation', year: 2017, retrieved: BUNDLE,
  },
  {
    id: 'gcp-vm-pricing',
    source: 'Google Compute Engine VM instance pricing (per-second billing, 1-minute minimum)',
    url: 'https://cloud.google.com/compute/vm-instance-pricing', licence: 'facts from provider documentation',
    attribution: 'Google Cloud documentation', year: 2017, retrieved: BUNDLE,
  },
  {
    id: 'gcp-tpu-pricing',
    source: 'Google Cloud TPU pricing page (1-year commitment = 0.70 x on-demand for v5e, v5p, v6e)',
    url: 'https://cloud.google.com/tpu/pricing', licence: 'facts from provider documentation', attribution: 'Google Cloud documentation',
    year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'gcp-cud-docs',
    source: 'Google Cloud resource-based committed use discounts (1-year discount on GPU and vCPU/memory resources)',
    url: 'https://cloud.google.com/compute/docs/instances/committed-use-discounts-overview', licence: 'facts from provider documentation',
    attribution: 'Google Cloud documentation', year: 2025, retrieved: BUNDLE,
  },
  // --- locations ---
  {
    id: 'aws-regions-doc',
    source: 'AWS Regions and Availability Zones (region names and locations)',
    url: 'https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html', licence: 'facts from provider documentation',
    attribution: 'Amazon Web Services documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'gcp-regions-doc',
    source: 'Google Cloud regions and zones (region locations)',
    url: 'https://cloud.google.com/compute/docs/regions-zones', licence: 'facts from provider documentation',
    attribution: 'Google Cloud documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'azure-regions-doc',
    source: 'Microsoft Azure regions list (region names and locations)',
    url: 'https://learn.microsoft.com/azure/reliability/regions-list', licence: 'facts from provider documentation',
    attribution: 'Microsoft Azure documentation', year: 2025, retrieved: BUNDLE,
  },
  {
    id: 'greenml-curated',
    source: 'greenml maintainers: curated mappings, corrections and derivations documented in docs/catalog.md',
    path: 'docs/catalog.md', licence: 'Apache-2.0',
    attribution: 'greenml contributors', year: 2026, retrieved: BUNDLE,
  },
];

function datasheet(id, title, url, year) {
  return [{ id, source: title, url, licence: 'vendor datasheet (facts)', attribution: title, year, retrieved: BUNDLE }];
}
