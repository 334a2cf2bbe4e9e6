import { describe, expect, it } from 'vitest';
import { DEFAULT_MFU, DEFAULT_POWER_UTILIZATION } from './defaults.js';
import { acceleratorHoursWorkload, boardRate, cpuWorkload, measuredPowerUtilization, powerUtilizationAtMfu, trainingWorkload } from './workload.js';

const h100 = { id: 'h100', name: 'H100', denseTflops: { bf16: 989.4, fp16: 989.4, fp8: 1978.9, tf32: 494.7, fp32: 66.9 }, memoryBwGbps: 3350 };
const t4 = { id: 't4', name: 'T4', denseTflops: { fp16: 65, fp32: 8.1 }, memoryBwGbps: 320 };

describe('trainingWorkload', () => {
  it('counts 6 x N x D FLOPs, in TFLOP, at the default MFU and bf16', () => {
    const w = trainingWorkload({ params: 7e9, tokens: 1e12 });
    expect(w.work).toBeCloseTo((6 * 7e9 * 1e12) / 1e12, 3);
    expect(w.efficiency).toBe(0.4);
    expect(w.precision).toBe('bf16');
    expect(w.powerUtilization).toBeCloseTo(0.76, 12);
    // 16 bytes of model state per parameter (ZeRO): 112 GB for 7B parameters.
    expect(w.minTotalMemoryGb).toBeCloseTo(112, 9);
    expect(w.assumptions.map((a) => a.id)).toEqual(['training-flops', 'mfu', 'power-utilization', 'model-memory']);
    expect(w.assumptions.find((a) => a.id === 'mfu')?.source).toMatch(/Llama 3/);
    expect(w.label).toBe('training 7.00e9 parameters on 1.00e12 tokens (6ND = 4.20e22 FLOP, bf16, MFU 40 %)');
  });

  it('scales the dynamic power share with MFU and caps it at TDP', () => {
    expect(powerUtilizationAtMfu(DEFAULT_MFU)).toBeCloseTo(DEFAULT_POWER_UTILIZATION, 12);
    expect(powerUtilizationAtMfu(0.2)).toBeCloseTo(0.38, 12);
    expect(powerUtilizationAtMfu(0.6)).toBe(1);
    expect(trainingWorkload({ params: 1e9, tokens: 1e9, mfu: 0.2 }).powerUtilization).toBeCloseTo(0.38, 12);
    expect(trainingWorkload({ params: 1e9, tokens: 1e9, powerUtilization: 0.5 }).powerUtilization).toBe(0.5);
  });

  it('rejects values a user mistypes, with the accepted form', () => {
    expect(() => trainingWorkload({ params: 7e9, tokens: 1e12, mfu: 40 })).toThrow(/fraction in \(0, 1\]/);
    expect(() => trainingWorkload({ params: 0, tokens: 1e12 })).toThrow(/Parameter count N must be greater than zero/);
    expect(() => trainingWorkload({ params: 7e9, tokens: 1e12, powerUtilization: 76 })).toThrow(/pass 0.76/);
  });

  it('can drop the model-state memory check', () => {
    const w = trainingWorkload({ params: 7e9, tokens: 1e12, bytesPerParam: 0 });
    expect(w.minTotalMemoryGb).toBe(0);
    expect(w.assumptions.find((a) => a.id === 'model-memory')?.text).toMatch(/No model-state memory check/);
  });
});

describe('acceleratorHoursWorkload and boardRate', () => {
  it('expresses hours as peak-equivalent work on the reference board', () => {
    const w = acceleratorHoursWorkload({ acceleratorHours: 10, reference: h100 });
    expect(w.work).toBeCloseTo(10 * 3600 * 989.4, 6);
    expect(w.efficiency).toBe(1);
    // 10 H100-hours take 10 x 989.4 / 65 hours on one T4 (fp16 used for bf16, see below).
    expect(w.work / (boardRate(t4, 'compute', 'bf16')?.rate ?? NaN) / 3600).toBeCloseTo((10 * 989.4) / 65, 9);
  });

  it('falls back bf16 -> fp16 and tf32 -> fp32, and has no fallback for fp8', () => {
    expect(boardRate(t4, 'compute', 'bf16')).toEqual({ rate: 65, precision: 'fp16' });
    expect(boardRate(t4, 'compute', 'tf32')).toEqual({ rate: 8.1, precision: 'fp32' });
    expect(boardRate(t4, 'compute', 'fp8')).toBeNull();
    expect(boardRate(t4, 'memory', 'fp8')).toEqual({ rate: 320, precision: 'fp8' });
    expect(() => acceleratorHoursWorkload({ acceleratorHours: 1, reference: t4, precision: 'fp8' })).toThrow('T4 has no dense fp8 throughput figure (nor a fallback) in the catalog');
  });

  it('scales by memory bandwidth when memory-bound', () => {
    const w = acceleratorHoursWorkload({ acceleratorHours: 2, reference: h100, bound: 'memory' });
    expect(w.work).toBeCloseTo(2 * 3600 * 3350, 6);
    expect(w.bound).toBe('memory');
    expect(w.assumptions[0]?.text).toMatch(/Memory-bandwidth-bound/);
  });

  it('derives the power share from a measured mean board power', () => {
    expect(measuredPowerUtilization(77 + 0.5 * (700 - 77), 77, 700)).toBeCloseTo(0.5, 12);
    expect(measuredPowerUtilization(900, 77, 700)).toBe(1);
    expect(measuredPowerUtilization(10, 77, 700)).toBe(0);
  });
});

describe('cpuWorkload', () => {
  it('keeps vCPU-hours and states the same-throughput-per-vCPU assumption', () => {
    const w = cpuWorkload({ vcpuHours: 64 });
    expect(w.vcpuHours).toBe(64);
    expect(w.cpuUtilization).toBe(1);
    expect(w.assumptions[0]?.text).toMatch(/same throughput per vCPU/);
  });
});
