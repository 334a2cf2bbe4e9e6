/**
 * nvidia-smi through a fake executable (test/fixtures/nvidia-smi/nvidia-smi) that replays captures:
 * the sampler's real spawn, stream, line parsing and compute-apps polling run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnergyAccountant } from './accountant.js';
import { NvidiaSampler } from './nvidia.js';
import { parseComputeApps, parseCudaVisibleDevices, parseGpuLine, parseGpuList, resolveVisibleDevices } from './nvidia-parse.js';
import type { GpuReading, SamplerContext } from './sampler.js';

const DIR = join(import.meta.dirname, '../../test/fixtures/nvidia-smi');
const SMI = join(DIR, 'nvidia-smi');
const GPU0 = 'GPU-3d1f7a52-9c4e-8b06-4e2a-71c5d0f8e913';
const GPU1 = 'GPU-b84e2c17-05d3-6f9a-c218-3e7d94a0b6f5';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const samplers: NvidiaSampler[] = [];
afterEach(async () => {
  await Promise.all(samplers.splice(0).map((s) => s.stop()));
});

function sampler(scenario: string, extra: Record<string, string> = {}): NvidiaSampler {
  const s = new NvidiaSampler({ command: SMI, env: { ...process.env, FAKE_NVIDIA_SMI_SCENARIO: join(DIR, scenario), ...extra }, streamMs: 100, computeAppsFirstS: 0.2, computeAppsEveryS: 0.3 });
  samplers.push(s);
  return s;
}

const ctx = (childEnv: Record<string, string | undefined> = {}): SamplerContext => ({ rootPid: process.pid, childEnv, treePids: () => [process.pid], now: Date.now });

/** Runs a sampler for a while and accounts its readings like the session does. */
async function measure(s: NvidiaSampler, env: Record<string, string | undefined>, ms: number, until: (r: GpuReading) => boolean = () => true): Promise<{ acc: EnergyAccountant; reading: GpuReading; durationS: number; gpuJ: number | null }> {
  expect((await s.probe()).available).toBe(true);
  await s.start(ctx(env));
  const acc = new EnergyAccountant({ logicalCpus: 2 });
  const t0 = Date.now();
  acc.begin({ t: t0, gpu: s.read() });
  let gpuJ: number | null = 0;
  let reading = s.read();
  let t = t0;
  // Runs at least `ms`, and on (up to 10 s, for a loaded machine) until `until` holds.
  for (let waited = 0, done = false; !done; waited += 250) {
    await sleep(250);
    reading = s.read();
    done = (waited + 250 >= ms && until(reading)) || waited > 10_000;
    t = Date.now();
    const e = acc.update({ t, gpu: reading, final: done });
    gpuJ = e.gpuJ === null ? null : (gpuJ ?? 0) + e.gpuJ;
  }
  // The span the accountant integrated (to its last update), not the time this function returned.
  return { acc, reading, durationS: (t - t0) / 1000, gpuJ };
}

describe('nvidia-smi output parsing', () => {
  it('reads a line and turns [N/A] and [Not Supported] into null, never 0', () => {
    expect(parseGpuLine(`0, ${GPU0}, NVIDIA A100-SXM4-80GB, 312.45, 97, 40960, 81920`)).toEqual({ index: 0, uuid: GPU0, name: 'NVIDIA A100-SXM4-80GB', powerW: 312.45, utilPct: 97, memoryUsedMib: 40960, memoryTotalMib: 81920 });
    expect(parseGpuLine(`1, ${GPU1}, NVIDIA A100-SXM4-80GB, [N/A], 41, 1024, 81920`)?.powerW).toBeNull();
    expect(parseGpuLine(`1, ${GPU1}, GRID A100D-4C, [Not Supported], [N/A], 1024, 4096`)).toMatchObject({ name: 'GRID A100D-4C', powerW: null, utilPct: null });
    expect(parseGpuLine('')).toBeNull();
    expect(parseGpuLine('No devices were found')).toBeNull();
  });

  it('keeps a GPU name that contains a comma', () => {
    expect(parseGpuLine(`0, ${GPU0}, Odd, Name, 10.5, 1, 2, 3`)).toMatchObject({ name: 'Odd, Name', powerW: 10.5, memoryTotalMib: 3 });
  });

  it('reads compute apps and nvidia-smi -L with MIG instances', () => {
    expect(parseComputeApps(`123, ${GPU0}, 40956\n456, ${GPU1}, [N/A]\n`)).toEqual([
      { pid: 123, gpuUuid: GPU0, usedMemoryMib: 40956 },
      { pid: 456, gpuUuid: GPU1, usedMemoryMib: null },
    ]);
    expect(parseGpuList(readFileSync(join(DIR, 'mig/list.txt'), 'utf8'))).toEqual([
      { index: 0, name: 'NVIDIA A100-SXM4-80GB', uuid: GPU0, migUuids: ['MIG-7a0c53e1-2b8d-5f64-9e1a-c4d6082f3b57', 'MIG-e2f94b08-6c1a-5d37-8b02-91fa3c6d7e40'] },
      { index: 1, name: 'NVIDIA A100-SXM4-80GB', uuid: GPU1, migUuids: [] },
    ]);
  });
});

describe('CUDA_VISIBLE_DEVICES', () => {
  const gpus = [
    { index: 0, uuid: GPU0, name: 'NVIDIA A100-SXM4-80GB' },
    { index: 1, uuid: GPU1, name: 'NVIDIA A100-SXM4-80GB' },
  ];
  const resolve = (value: string, order?: string, list = gpus) => resolveVisibleDevices(parseCudaVisibleDevices(value) ?? { devices: [], stoppedAt: null }, list, new Map(), order);

  it('is null when unset and empty when set to ""', () => {
    expect(parseCudaVisibleDevices(undefined)).toBeNull();
    expect(resolve('').uuids).toEqual([]);
  });

  it('takes indices, full UUIDs and unique UUID prefixes, in the order given', () => {
    expect(resolve('1,0').uuids).toEqual([GPU1, GPU0]);
    expect(resolve(GPU1).uuids).toEqual([GPU1]);
    expect(resolve('GPU-3d1f').uuids).toEqual([GPU0]);
  });

  it('stops at the first invalid entry, as CUDA does ("-1" hides every GPU)', () => {
    expect(resolve('-1').uuids).toEqual([]);
    const r = resolve('1,foo,0');
    expect(r.uuids).toEqual([GPU1]);
    expect(r.notes[0]).toMatch(/"foo" is not a GPU index or UUID/);
  });

  it('warns that indices may not match nvidia-smi on mixed GPUs without CUDA_DEVICE_ORDER=PCI_BUS_ID', () => {
    const mixed = [gpus[0] as (typeof gpus)[number], { index: 1, uuid: GPU1, name: 'NVIDIA H100 80GB HBM3' }];
    expect(resolve('1', undefined, mixed).notes.join(' ')).toMatch(/CUDA_DEVICE_ORDER/);
    expect(resolve('1', 'PCI_BUS_ID', mixed).notes).toEqual([]);
  });

  it('maps the old MIG-GPU-<uuid>/gi/ci form to its GPU without nvidia-smi -L', () => {
    const r = resolve(`MIG-${GPU1}/1/0`);
    expect(r.uuids).toEqual([GPU1]);
    expect(r.notes[0]).toMatch(/whole GPU is charged/);
  });
});

describe('NvidiaSampler with the fake nvidia-smi', () => {
  it('probes the GPUs', async () => {
    const p = await sampler('a100x2').probe();
    expect(p).toMatchObject({ available: true, detail: { gpus: [{ index: 0, uuid: GPU0, name: 'NVIDIA A100-SXM4-80GB', powerSupported: true }, { index: 1, uuid: GPU1 }] } });
  });

  it('says why when the driver cannot be reached or nvidia-smi is missing', async () => {
    const failed = await sampler('driver-failure').probe();
    expect(failed.available).toBe(false);
    if (!failed.available) expect(failed.reason).toMatch(/couldn't communicate with the NVIDIA driver/);
    const missing = await new NvidiaSampler({ command: join(DIR, 'no-such-nvidia-smi') }).probe();
    expect(missing.available).toBe(false);
    if (!missing.available) expect(missing.reason).toMatch(/not found: no NVIDIA driver/);
  });

  it('streams from one nvidia-smi process and integrates the GPU chosen by index', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'greenml-smi-')), 'calls.log');
    const s = sampler('steady', { FAKE_NVIDIA_SMI_LOG: log });
    const { acc, reading, durationS, gpuJ } = await measure(s, { CUDA_VISIBLE_DEVICES: '0' }, 1000);
    expect(reading.selection).toMatchObject({ rule: 'cuda-visible-devices', uuids: [GPU0] });
    // 250 W held over the whole measured time (first sample held back to the start, last to the end).
    expect(gpuJ as number).toBeCloseTo(250 * durationS, 0);
    const gpu = acc.summary().components.find((c) => c.component === 'gpu');
    expect(gpu).toMatchObject({ method: 'measured-sampled' });
    expect(gpu?.model).toMatch(/1 x NVIDIA A100-SXM4-80GB, chosen by CUDA_VISIBLE_DEVICES/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.includes('-lms'))).toEqual(['--query-gpu=index,uuid,name,power.draw,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits -lms 100']);
    rmSync(join(log, '..'), { recursive: true, force: true });
  });

  it('takes a GPU by UUID prefix', async () => {
    const { reading, durationS, gpuJ } = await measure(sampler('steady'), { CUDA_VISIBLE_DEVICES: 'GPU-b84e' }, 750);
    expect(reading.selection.uuids).toEqual([GPU1]);
    expect(gpuJ as number).toBeCloseTo(70 * durationS, 0);
  });

  it('charges the GPUs the process tree uses when CUDA_VISIBLE_DEVICES is unset', async () => {
    const { reading, acc } = await measure(sampler('a100x2', { FAKE_NVIDIA_SMI_PID: String(process.pid) }), {}, 1000, (r) => r.selection.uuids.length > 0);
    expect(reading.selection).toMatchObject({ rule: 'process-tree', uuids: [GPU0] });
    expect(acc.summary().components.find((c) => c.component === 'gpu')?.model).toMatch(/used by the process tree/);
  });

  it('charges every GPU when nvidia-smi shows processes from another PID namespace', async () => {
    const { reading, acc } = await measure(sampler('steady'), {}, 750, (r) => r.selection.rule === 'all-gpus');
    expect(reading.selection.rule).toBe('all-gpus');
    expect(reading.selection.uuids.sort()).toEqual([GPU0, GPU1].sort());
    expect(acc.summary().notes.join(' ')).toMatch(/another PID namespace/);
  });

  it('reports unsupported power instead of 0 W', async () => {
    const only1 = await measure(sampler('na-power'), { CUDA_VISIBLE_DEVICES: '1' }, 750);
    expect(only1.gpuJ).toBeNull();
    const summary = only1.acc.summary();
    expect(summary.components.find((c) => c.component === 'gpu')).toBeUndefined();
    expect(summary.notes.join(' ')).toMatch(/GPU power unsupported: nvidia-smi reports no power.draw for GPU 1/);

    const both = await measure(sampler('na-power'), { CUDA_VISIBLE_DEVICES: '0,1' }, 750);
    expect(both.gpuJ as number).toBeCloseTo(200 * both.durationS, 0);
    expect(both.acc.summary().notes.join(' ')).toMatch(/GPU power unsupported/);
  });

  it('charges the whole GPU of a MIG instance, found with nvidia-smi -L', async () => {
    const { reading } = await measure(sampler('mig'), { CUDA_VISIBLE_DEVICES: 'MIG-e2f94b08-6c1a-5d37-8b02-91fa3c6d7e40' }, 500);
    expect(reading.selection.uuids).toEqual([GPU0]);
    expect(reading.selection.notes.join(' ')).toMatch(/MIG instance of GPU 0/);
  });

  it('hands over what arrived, then reports a stream that died', async () => {
    const s = sampler('stream-dies');
    await s.probe();
    await s.start(ctx({ CUDA_VISIBLE_DEVICES: '0' }));
    let samples = 0;
    let error: unknown = null;
    for (let waited = 0; waited < 10_000 && error === null; waited += 100) {
      await sleep(100);
      try {
        samples += s.read().gpus[0]?.samples.length ?? 0;
      } catch (e) {
        error = e;
      }
    }
    expect(samples).toBe(3);
    expect(String(error)).toMatch(/nvidia-smi stream stopped \(exit code 15\): Unable to determine the device handle/);
  });
});
