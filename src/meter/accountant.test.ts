import { describe, expect, it } from 'vitest';
import { type CpuPowerModel, cpuPowerW, memoryPowerW } from '../core/index.js';
import { EnergyAccountant } from './accountant.js';
import type { GpuReading, MachineReading, ProcessTreeReading, RaplReading } from './sampler.js';

const tree = (t: number, cpuS: number, rssBytes = 2e9): ProcessTreeReading => ({ kind: 'process-tree', t, cpuS, cpuSource: 'procfs', procfsCpuS: cpuS, rssBytes, pids: [1], rootExited: false, cgroup: null });
const machine = (t: number, busyS: number, totalS: number): MachineReading => ({ kind: 'machine', t, busyS, totalS, logicalCpus: 8, memTotalBytes: 16e9, memAvailableBytes: 8e9 });
const rapl = (t: number, pkgUj: number, dramUj?: number, max: number | null = 262_143_328_850): RaplReading => ({
  kind: 'rapl',
  t,
  zones: [
    { key: 'package-0', domain: 'package', name: 'package-0', path: '/x', energyUj: pkgUj, maxEnergyRangeUj: max },
    ...(dramUj === undefined ? [] : [{ key: 'package-0/dram', domain: 'dram' as const, name: 'dram', path: '/y', energyUj: dramUj, maxEnergyRangeUj: max }]),
  ],
});

/** One 1-second interval: 100 J of package, the tree 1 core-second, the machine 4 busy of 8. */
function oneInterval(attribution: ConstructorParameters<typeof EnergyAccountant>[0]['attribution'], withMachine = true) {
  const acc = new EnergyAccountant({ attribution, logicalCpus: 8 });
  acc.begin({ t: 0, tree: tree(0, 0), machine: machine(0, 100, 800), rapl: rapl(0, 5e9, 1e9) });
  return { acc, e: acc.update({ t: 1000, tree: tree(1000, 1), machine: withMachine ? machine(1000, 104, 808) : null, rapl: rapl(1000, 5e9 + 100e6, 1e9 + 8e6) }) };
}

describe('EnergyAccountant with RAPL', () => {
  it('shares package energy by busy CPU (default), by machine, by capacity and by active share', () => {
    expect(oneInterval(undefined).e.cpuJ).toBeCloseTo(25, 9);
    expect(oneInterval('machine').e.cpuJ).toBeCloseTo(100, 9);
    expect(oneInterval('capacity-share').e.cpuJ).toBeCloseTo(12.5, 9);
    // Kepler: active ratio 4/8 x tree/busy 1/4
    expect(oneInterval('active-share').e.cpuJ).toBeCloseTo(12.5, 9);
    expect(oneInterval(undefined).e.cpuCores).toBeCloseTo(1, 9);
  });

  it('charges DRAM by the tree\'s share of used memory, or all of it for "machine"', () => {
    // 2 GB of 8 GB used -> a quarter of 8 J
    expect(oneInterval(undefined).e.memoryJ).toBeCloseTo(2, 9);
    expect(oneInterval('machine').e.memoryJ).toBeCloseTo(8, 9);
    const s = oneInterval(undefined).acc.summary();
    expect(s.components.find((c) => c.component === 'memory')?.method).toBe('measured-counter');
  });

  it('falls back to capacity share when /proc/stat is missing, and says so', () => {
    const { acc, e } = oneInterval(undefined, false);
    expect(e.cpuJ).toBeCloseTo(12.5, 9);
    expect(acc.summary().notes.join(' ')).toMatch(/shared by capacity/);
  });

  it('replaces an implausible jump by the zone\'s previous power and flags it', () => {
    const acc = new EnergyAccountant({ attribution: 'machine', logicalCpus: 8 });
    acc.begin({ t: 0, rapl: rapl(0, 0) });
    expect(acc.update({ t: 1000, rapl: rapl(1000, 50e6) }).cpuJ).toBeCloseTo(50, 9);
    const e = acc.update({ t: 2000, rapl: rapl(2000, 50e6 + 5e9) }); // 5000 W
    expect(e.cpuJ).toBeCloseTo(50, 9);
    expect(e.detail['rapl']).toMatchObject({ zones: { 'package-0': { implausible: true } } });
    expect(acc.summary().notes.join(' ')).toMatch(/implied more than 1000 W/);
  });

  it('counts a counter that went down without a known range as a lower bound', () => {
    const acc = new EnergyAccountant({ attribution: 'machine', logicalCpus: 8 });
    acc.begin({ t: 0, rapl: rapl(0, 900e6, undefined, null) });
    expect(acc.update({ t: 1000, rapl: rapl(1000, 30e6, undefined, null) }).cpuJ).toBeCloseTo(30, 9);
    expect(acc.summary().notes.join(' ')).toMatch(/lower bound/);
  });
});

describe('EnergyAccountant without RAPL', () => {
  const ccf: CpuPowerModel = { kind: 'ccf-linear', minWPerVcpu: 0.7, maxWPerVcpu: 3.5, vcpus: 4, source: 'test' };

  it('drives the CPU model with the tree\'s utilisation and models memory on RSS', () => {
    const acc = new EnergyAccountant({ cpuModel: ccf, logicalCpus: 8 });
    acc.begin({ t: 0, tree: tree(0, 0) });
    const e = acc.update({ t: 2000, tree: tree(2000, 4, 3e9) }); // 2 cores of the model's 4 vCPUs
    expect(e.cpuJ).toBeCloseTo(cpuPowerW(ccf, 0.5) * 2, 9);
    expect(e.memoryJ).toBeCloseTo(memoryPowerW(3, 0.3725) * 2, 9);
    const s = acc.summary();
    expect(s.components.map((c) => [c.component, c.method])).toEqual([
      ['cpu', 'modeled'],
      ['memory', 'modeled'],
    ]);
    expect(s.components[0]?.model).toBe("CCF linear 0.7-3.5 W/vCPU x 4 vCPU at the process tree's utilisation");
  });

  it('uses the machine\'s logical CPUs as capacity when the model has none', () => {
    const teads: CpuPowerModel = { kind: 'teads', tdpW: 100, source: 'test' };
    const acc = new EnergyAccountant({ cpuModel: teads, logicalCpus: 4, memoryWPerGb: 0 });
    acc.begin({ t: 0, tree: tree(0, 0) });
    expect(acc.update({ t: 1000, tree: tree(1000, 2) }).cpuJ).toBeCloseTo(75, 9); // Teads at 50 %
  });

  it('leaves CPU unestimated (not zero) without RAPL or model', () => {
    const acc = new EnergyAccountant({ logicalCpus: 4 });
    acc.begin({ t: 0, tree: tree(0, 0) });
    expect(acc.update({ t: 1000, tree: tree(1000, 1) }).cpuJ).toBeNull();
    const s = acc.summary();
    expect(s.components.find((c) => c.component === 'cpu')).toBeUndefined();
    expect(s.notes.join(' ')).toMatch(/CPU energy not estimated/);
  });
});

describe('EnergyAccountant GPUs', () => {
  const reading = (t: number, powers: (number | null)[], uuids: string[], rule: GpuReading['selection']['rule'] = 'process-tree'): GpuReading => ({
    kind: 'gpu',
    t,
    gpus: powers.map((p, i) => ({ index: i, uuid: `GPU-${i}`, name: 'NVIDIA T4', memoryTotalMib: 15360, samples: [{ t, powerW: p, utilPct: 50, memoryUsedMib: 1 }] })),
    selection: { uuids, rule, notes: [] },
  });

  it('says when no process of the run used a GPU', () => {
    const acc = new EnergyAccountant({ logicalCpus: 4 });
    acc.begin({ t: 0, gpu: reading(0, [30], []) });
    const e = acc.update({ t: 1000, gpu: reading(1000, [30], []) });
    expect(e.gpuJ).toBe(0);
    expect(acc.summary().notes.join(' ')).toMatch(/no process of the run used a GPU/);
  });

  it('integrates by trapezoid across ticks for the charged GPUs only', () => {
    const acc = new EnergyAccountant({ logicalCpus: 4 });
    acc.begin({ t: 0, gpu: reading(0, [40, 20], ['GPU-0']) });
    expect(acc.update({ t: 1000, gpu: reading(1000, [60, 20], ['GPU-0']) }).gpuJ).toBeCloseTo(50, 9);
    expect(acc.update({ t: 2000, gpu: reading(2000, [60, 20], ['GPU-0']) }).gpuUtilPct).toBe(50);
    expect(acc.totals().gpuJ).toBeCloseTo(110, 9);
  });
});
