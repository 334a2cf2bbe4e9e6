import { describe, expect, it } from 'vitest';
import { findAccelerator, listAccelerators } from './accelerators.js';
import { fieldProvenance } from './sources.js';

describe('accelerators', () => {
  it('covers the GPUs, TPUs and AWS chips the planner needs', () => {
    const ids = listAccelerators().map((a) => a.id);
    for (const id of [
      'nvidia-t4', 'nvidia-l4', 'nvidia-a10g', 'nvidia-l40s', 'nvidia-v100-sxm2-16gb', 'nvidia-v100-sxm2-32gb', 'nvidia-a100-pcie-40gb',
      'nvidia-a100-pcie-80gb', 'nvidia-a100-sxm4-40gb', 'nvidia-a100-sxm4-80gb', 'nvidia-h100-pcie-80gb', 'nvidia-h100-sxm5-80gb',
      'nvidia-h200-sxm-141gb', 'nvidia-b200-180gb', 'google-tpu-v4', 'google-tpu-v5e', 'google-tpu-v5p', 'google-tpu-v6e',
      'aws-inferentia2', 'aws-trainium1', 'aws-trainium2',
    ]) expect(ids).toContain(id);
    expect(listAccelerators({ kind: 'tpu' }).map((a) => a.id)).toEqual(['google-tpu-v4', 'google-tpu-v5e', 'google-tpu-v5p', 'google-tpu-v6e']);
  });

  it('holds datasheet values, dense', () => {
    // Epoch AI ml_hardware.csv / NVIDIA H100 datasheet: BF16 1,979 TFLOPS with sparsity = 989.4 dense
    const h100 = findAccelerator('nvidia-h100-sxm5-80gb');
    expect(h100).toMatchObject({ bf16TflopsDense: 989.4, tdpW: 700, memoryGb: 80, sparsity: false, fp8TflopsDense: 1979 });
    // NVIDIA A100 datasheet: SXM4 80 GB, max TDP 400 W, 2,039 GB/s
    expect(findAccelerator('nvidia-a100-sxm4-80gb')).toMatchObject({ tdpW: 400, memoryBandwidthGbPerS: 2039, bf16TflopsDense: 312 });
  });

  it('carries the corrections of Epoch\'s known errors, each citing its datasheet', () => {
    const t4 = findAccelerator('t4');
    expect(t4).toMatchObject({ fp16TflopsDense: 65, int8TopsDense: 130, bf16TflopsDense: null });
    expect(fieldProvenance(t4, 'int8TopsDense').sourceId).toBe('nvidia-t4-datasheet');
    expect(t4.fixes?.map((f) => f.field)).toEqual(['fp16TflopsDense', 'int8TopsDense']);
    expect(findAccelerator('nvidia-a100-pcie-40gb')).toMatchObject({ tdpW: 250, memoryBandwidthGbPerS: 1555 });
    expect(findAccelerator('nvidia-v100-sxm2-16gb').memoryGb).toBe(16);
    expect(findAccelerator('l40s')).toMatchObject({ tdpW: 350, memoryGb: 48, bf16TflopsDense: 362.05, sourceId: 'nvidia-l40s-datasheet' });
    expect(fieldProvenance(findAccelerator('inf2'), 'tdpW')).toMatchObject({ sourceId: 'ga-tdp-gpu', quality: 'estimated' });
    expect(fieldProvenance(findAccelerator('tpu-v5e'), 'tdpW').quality).toBe('estimated');
  });

  it('uses measured idle watts (Teads via CCF) where they exist, else 0.11 x TDP, estimated', () => {
    // CCF MIN_WATTS_BY_COMPUTE_PROCESSOR: Nvidia T4 8, Nvidia Tesla A100 46
    expect(findAccelerator('t4').idleW).toBe(8);
    expect(fieldProvenance(findAccelerator('t4'), 'idleW').quality).toBe('measured');
    expect(findAccelerator('a100').idleW).toBe(46);
    expect(findAccelerator('h100').idleW).toBe(77);
    expect(fieldProvenance(findAccelerator('h100'), 'idleW').quality).toBe('estimated');
    for (const a of listAccelerators()) expect(a.embodiedKg).toBe(150);
  });

  it('finds accelerators by provider names, user short forms and nvidia-smi names', () => {
    const cases: Array<[string, string]> = [
      ['A100-80GB', 'nvidia-a100-sxm4-80gb'], ['a100-80gb', 'nvidia-a100-sxm4-80gb'], ['A100', 'nvidia-a100-sxm4-40gb'],
      ['nvidia-tesla-a100', 'nvidia-a100-sxm4-40gb'], ['H100', 'nvidia-h100-sxm5-80gb'], ['h100', 'nvidia-h100-sxm5-80gb'],
      ['NVIDIA H100 80GB HBM3', 'nvidia-h100-sxm5-80gb'], ['tpu-v5p', 'google-tpu-v5p'], ['tpu-v5litepod', 'google-tpu-v5e'],
      ['L4', 'nvidia-l4'], ['NVIDIA A10G', 'nvidia-a10g'], ['nvidia-tesla-t4', 'nvidia-t4'], ['Tesla V100-SXM2-16GB', 'nvidia-v100-sxm2-16gb'],
      ['NVIDIA A100-SXM4-40GB', 'nvidia-a100-sxm4-40gb'], ['trn1', 'aws-trainium1'], ['h100_sxm5_80gb', 'nvidia-h100-sxm5-80gb'],
    ];
    for (const [alias, id] of cases) expect(findAccelerator(alias).id, alias).toBe(id);
  });

  it('suggests close names for an unknown accelerator', () => {
    expect(() => findAccelerator('h10')).toThrow('Unknown accelerator "h10". Did you mean H100, H100-NVL or H100-SXM? Run greenml catalog hardware to list them.');
  });
});
