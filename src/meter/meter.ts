/**
 * Probes every sampler for a run and returns the ones that can measure here, with each probe's
 * result (for the run record and `greenml doctor`). GREENML_FAKE_METER swaps in scripted samplers.
 */
import { type CgroupSupport, probeCgroup } from './cgroup.js';
import { FAKE_METER_ENV } from './fake-env.js';
import { type FsReader, rootedReader } from './fs-reader.js';
import { NvidiaSampler, type NvidiaOptions } from './nvidia.js';
import { type KernelUnits, MachineSampler, ProcessTreeSampler, detectKernelUnits } from './procfs.js';
import { RaplSampler } from './rapl.js';
import { type ProbeResult, type Sampler, type SamplerId, unavailable } from './sampler.js';

export interface MeterOptions {
  /** Stands in for "/" (fixtures in tests). */
  reader?: FsReader;
  /** Environment greenml runs in (GREENML_FAKE_METER is read from it). */
  env?: NodeJS.ProcessEnv;
  /** nvidia-smi options (its path, stream period); false: do not look for GPUs. */
  nvidia?: NvidiaOptions | false;
  /** Give the run its own cgroup v2 when the machine allows it. Default true. */
  cgroup?: boolean;
  now?: () => number;
}

export interface Meter {
  kind: 'real' | 'fake';
  /** Samplers whose probe said available, for startSession. */
  samplers: Sampler[];
  /** Every probe's result, including the cgroup's. */
  probes: Partial<Record<SamplerId | 'cgroup', ProbeResult>>;
  logicalCpus: number;
  units: KernelUnits | null;
}

export async function probeMeter(options: MeterOptions = {}): Promise<Meter> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const fakePath = env[FAKE_METER_ENV];
  if (fakePath) {
    // Loaded only for tests and demos: its schema validation is not worth loading for real runs.
    const { fakeSamplers, loadFakeScript } = await import('./fake.js');
    const script = loadFakeScript(fakePath);
    const all = fakeSamplers(script, now);
    const probes: Meter['probes'] = {};
    const samplers: Sampler[] = [];
    for (const s of all) {
      probes[s.id] = await s.probe();
      if (probes[s.id]?.available) samplers.push(s);
    }
    return { kind: 'fake', samplers, probes, logicalCpus: script.logicalCpus, units: null };
  }

  const reader = options.reader ?? rootedReader('/');
  const units = detectKernelUnits(reader);
  const probes: Meter['probes'] = {};
  let cgroup: CgroupSupport | null = null;
  if (options.cgroup ?? true) {
    const c = probeCgroup(reader);
    probes.cgroup = c.result;
    cgroup = c.support;
  } else probes.cgroup = unavailable('disabled by the caller');
  const tree = new ProcessTreeSampler({ reader, units, cgroup, now });
  const machine = new MachineSampler({ reader, units, now });
  const candidates: Sampler[] = [tree, machine, new RaplSampler({ reader, now })];
  if (options.nvidia !== false) candidates.push(new NvidiaSampler({ ...(options.nvidia ?? {}), reader, now }));
  const results = await Promise.all(candidates.map((s) => s.probe()));
  const samplers: Sampler[] = [];
  candidates.forEach((s, i) => {
    const r = results[i] as ProbeResult;
    probes[s.id] = r;
    if (r.available) samplers.push(s);
  });
  if (options.nvidia === false) probes.nvidia = unavailable('disabled by the caller');
  let logicalCpus = 1;
  try {
    logicalCpus = machine.read().logicalCpus || 1;
  } catch {
    // /proc/stat unreadable: the machine sampler's probe says so
  }
  return { kind: 'real', samplers, probes, logicalCpus, units };
}
