/**
 * The unit of every numeric field, per table. A number in the data without an entry here fails
 * validation (validate.ts), so a new column cannot ship without its unit.
 */
export const UNITS = {
  regions: {
    intensityGPerKwh: 'gCO2e/kWh',
    ccfIntensityGPerKwh: 'gCO2e/kWh',
    cfeFraction: 'fraction (0-1) of carbon-free energy, hourly matched',
    pue: 'ratio (facility energy / IT energy)',
    year: 'year',
  },
  countries: {
    intensityGPerKwh: 'gCO2e/kWh',
    year: 'year',
  },
  accelerators: {
    tdpW: 'W',
    idleW: 'W',
    fp32Tflops: 'TFLOPS (FP32, non-tensor)',
    tf32TflopsDense: 'TFLOPS (TF32 tensor, dense)',
    bf16TflopsDense: 'TFLOPS (BF16 tensor, dense)',
    fp16TflopsDense: 'TFLOPS (FP16 tensor, dense)',
    fp8TflopsDense: 'TFLOPS (FP8 tensor, dense)',
    int8TopsDense: 'TOPS (INT8 tensor, dense)',
    memoryGb: 'GB (vendor nominal capacity)',
    memoryBandwidthGbPerS: 'GB/s',
    embodiedKg: 'kgCO2e per board or chip',
    year: 'year',
  },
  cpuArchitectures: {
    minWPerVcpu: 'W per vCPU at idle',
    maxWPerVcpu: 'W per vCPU at 100 % load',
    gbPerChip: 'GB of memory per physical chip in the SPECpower systems',
    year: 'year',
  },
  instances: {
    vcpus: 'vCPUs',
    memoryGb: 'GB as listed by the provider (binary GiB)',
    'accelerator.count': 'accelerators (GPUs or TPU chips)',
    platformEmbodiedKg: 'kgCO2e per server platform',
    platformVcpus: 'vCPUs of the whole platform',
    platformAccelerators: 'accelerators of the whole platform',
    embodiedKg: 'kgCO2e (this instance\'s share of the platform)',
    year: 'year',
  },
  prices: {
    usdPerHour: 'USD per hour (Linux)',
    spotMinUsdPerHour: 'USD per hour (cheapest zone)',
    zones: 'availability zones',
  },
  cpuModels: {
    tdpW: 'W (thermal design power per CPU package)',
    cores: 'physical cores per package',
  },
} as const satisfies Record<string, Record<string, string>>;

export type TableName = keyof typeof UNITS;

/** The unit of `field` in `table`, if it is numeric. */
export function unitOf(table: TableName, field: string): string | undefined {
  return (UNITS[table] as Record<string, string>)[field];
}
