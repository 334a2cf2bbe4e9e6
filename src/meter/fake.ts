/**
 * A scripted meter for tests of the session and of `greenml run` on machines without RAPL or GPUs:
 * GREENML_FAKE_METER=<path to a JSON script>. The real child still runs; only the readings are
 * scripted. Each fake sampler produces the same raw readings as the real one (cumulative CPU
 * seconds, RAPL microjoule counters, GPU power samples), integrated over the real time between
 * reads, so the accountant and the session run exactly as they do on real hardware.
 *
 * Script (all fields optional except steps; see docs/meter.md):
 *   {
 *     "logicalCpus": 8, "memTotalBytes": 34359738368,
 *     "gpus": [{ "index": 0, "uuid": "GPU-...", "name": "NVIDIA A100-SXM4-80GB", "memoryTotalMib": 81920 }],
 *     "unavailable": { "rapl": "why" },
 *     "steps": [{ "treeCores": 1, "busyCores": 1.5, "rssBytes": 5e8, "packageW": 45, "dramW": 4,
 *                 "gpus": [{ "powerW": 250, "utilPct": 97 }] }]
 *   }
 * Each read takes the next step; the last step repeats. RAPL exists when a step has packageW; GPUs
 * exist when "gpus" is given; a GPU step with powerW null reads like nvidia-smi's [N/A].
 */
import { readFileSync } from 'node:fs';
// zod/mini: the same checks with far less code to load.
import * as z from 'zod/mini';
import { GreenmlError } from '../core/index.js';
import { parseCudaVisibleDevices, resolveVisibleDevices } from './nvidia-parse.js';
import {
  type GpuReading,
  type GpuSelection,
  type MachineReading,
  type ProbeResult,
  type ProcessTreeReading,
  type RaplReading,
  type Reading,
  type Sampler,
  type SamplerContext,
  type SamplerId,
  available,
  unavailable,
} from './sampler.js';

import { FAKE_METER_ENV } from './fake-env.js';

export { FAKE_METER_ENV };

const nonNeg = () => z.number().check(z.gte(0));
const gpuStep = z.strictObject({
  powerW: z.nullable(nonNeg()),
  utilPct: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(100)))),
  memoryUsedMib: z.optional(z.nullable(nonNeg())),
});
const step = z.strictObject({
  treeCores: z._default(nonNeg(), 0),
  busyCores: z.optional(nonNeg()),
  rssBytes: z._default(nonNeg(), 0),
  packageW: z.optional(nonNeg()),
  dramW: z.optional(nonNeg()),
  gpus: z.optional(z.array(gpuStep)),
});

export const fakeScriptSchema = z.strictObject({
  logicalCpus: z._default(z.int().check(z.gte(1)), 8),
  memTotalBytes: z._default(nonNeg(), 32 * 2 ** 30),
  /** RAPL counter range, uJ; make it small to script wraps. Default: Intel's 262,143,328,850 uJ (shared/research/measurement.md key finding 3). */
  maxEnergyRangeUj: z._default(z.number().check(z.positive()), 262_143_328_850),
  gpus: z.optional(
    z.array(
      z.strictObject({
        index: z.int().check(z.gte(0)),
        uuid: z.string().check(z.startsWith('GPU-')),
        name: z.string().check(z.minLength(1)),
        memoryTotalMib: z.optional(z.nullable(nonNeg())),
      }),
    ),
  ),
  unavailable: z.optional(z.partialRecord(z.enum(['process-tree', 'machine', 'rapl', 'nvidia']), z.string().check(z.minLength(1)))),
  steps: z.array(step).check(z.minLength(1)),
});

export type FakeScript = z.infer<typeof fakeScriptSchema>;
type Step = FakeScript['steps'][number];

export function parseFakeScript(json: unknown, where = 'fake meter script'): FakeScript {
  const parsed = fakeScriptSchema.safeParse(json);
  if (!parsed.success) throw new GreenmlError('INVALID_INPUT', `Invalid ${where}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}. See docs/meter.md, "Fake meter".`);
  return parsed.data;
}

export function loadFakeScript(path: string): FakeScript {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GreenmlError('INVALID_INPUT', `Cannot read the fake meter script ${path} (${FAKE_METER_ENV}): ${e instanceof Error ? e.message : String(e)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GreenmlError('INVALID_INPUT', `The fake meter script ${path} is not JSON: ${e instanceof Error ? e.message : String(e)}.`);
  }
  return parseFakeScript(json, `fake meter script ${path}`);
}

/** One clock for all fake samplers of a meter: each read integrates the current step over real time. */
class Script {
  private index = -1;
  private lastT: number | null = null;
  cpuS = 0;
  busyS = 0;
  totalS = 0;
  packageUj = 0;
  dramUj = 0;
  readonly stepReads = new Map<SamplerId, number>();

  constructor(
    readonly script: FakeScript,
    readonly now: () => number,
  ) {}

  /** The step for a sampler's nth read: every sampler walks the same steps at its own pace. */
  stepFor(id: SamplerId): Step {
    const n = this.stepReads.get(id) ?? 0;
    this.stepReads.set(id, n + 1);
    const steps = this.script.steps;
    return steps[Math.min(n, steps.length - 1)] as Step;
  }

  /** Advances the shared counters to now with the step the tree sampler is on. */
  advance(s: Step): void {
    const t = this.now();
    if (this.lastT !== null) {
      const dt = Math.max(0, (t - this.lastT) / 1000);
      this.cpuS += s.treeCores * dt;
      this.busyS += (s.busyCores ?? s.treeCores) * dt;
      this.totalS += this.script.logicalCpus * dt;
      this.packageUj = (this.packageUj + (s.packageW ?? 0) * dt * 1e6) % this.script.maxEnergyRangeUj;
      this.dramUj = (this.dramUj + (s.dramW ?? 0) * dt * 1e6) % this.script.maxEnergyRangeUj;
    }
    this.lastT = t;
    this.index++;
  }
}

abstract class FakeSampler<R extends Reading> implements Sampler<R> {
  abstract readonly id: SamplerId;
  constructor(protected readonly s: Script) {}
  async probe(): Promise<ProbeResult> {
    const reason = this.s.script.unavailable?.[this.id];
    return reason ? unavailable(reason) : available({ fake: true });
  }
  async start(_ctx: SamplerContext): Promise<void> {}
  abstract read(): R;
  async stop(): Promise<void> {}
}

class FakeTree extends FakeSampler<ProcessTreeReading> {
  readonly id = 'process-tree' as const;
  private rootPid = 0;
  override async start(ctx: SamplerContext): Promise<void> {
    this.rootPid = ctx.rootPid;
  }
  read(): ProcessTreeReading {
    const step = this.s.stepFor(this.id);
    this.s.advance(step);
    return { kind: 'process-tree', t: this.s.now(), cpuS: this.s.cpuS, cpuSource: 'fake', procfsCpuS: this.s.cpuS, rssBytes: step.rssBytes, pids: [this.rootPid], rootExited: false, cgroup: null };
  }
}

class FakeMachine extends FakeSampler<MachineReading> {
  readonly id = 'machine' as const;
  read(): MachineReading {
    this.s.stepFor(this.id);
    return { kind: 'machine', t: this.s.now(), totalS: this.s.totalS, busyS: this.s.busyS, logicalCpus: this.s.script.logicalCpus, memTotalBytes: this.s.script.memTotalBytes, memAvailableBytes: this.s.script.memTotalBytes / 2 };
  }
}

class FakeRapl extends FakeSampler<RaplReading> {
  readonly id = 'rapl' as const;
  read(): RaplReading {
    const step = this.s.stepFor(this.id);
    const max = this.s.script.maxEnergyRangeUj;
    const zones: RaplReading['zones'] = [{ key: 'package-0', domain: 'package', name: 'package-0', path: 'fake:package-0', energyUj: Math.floor(this.s.packageUj), maxEnergyRangeUj: max }];
    if (step.dramW !== undefined || this.s.script.steps.some((x) => x.dramW !== undefined)) {
      zones.push({ key: 'package-0/dram', domain: 'dram', name: 'dram', path: 'fake:dram', energyUj: Math.floor(this.s.dramUj), maxEnergyRangeUj: max });
    }
    return { kind: 'rapl', t: this.s.now(), zones };
  }
}

class FakeGpus extends FakeSampler<GpuReading> {
  readonly id = 'nvidia' as const;
  private selection: GpuSelection = { uuids: [], rule: 'all-gpus', notes: [] };
  override async start(ctx: SamplerContext): Promise<void> {
    const gpus = this.s.script.gpus ?? [];
    const cvd = parseCudaVisibleDevices(ctx.childEnv['CUDA_VISIBLE_DEVICES']);
    if (cvd) this.selection = { ...resolveVisibleDevices(cvd, gpus, new Map(), ctx.childEnv['CUDA_DEVICE_ORDER']), rule: 'cuda-visible-devices' };
    else this.selection = { uuids: gpus.map((g) => g.uuid), rule: 'all-gpus', notes: ['fake meter: every scripted GPU is charged'] };
  }
  read(): GpuReading {
    const step = this.s.stepFor(this.id);
    const t = this.s.now();
    const gpus = (this.s.script.gpus ?? []).map((g, i) => {
      const v = step.gpus?.[i];
      const samples = v ? [{ t, powerW: v.powerW, utilPct: v.utilPct ?? null, memoryUsedMib: v.memoryUsedMib ?? null }] : [];
      return { index: g.index, uuid: g.uuid, name: g.name, memoryTotalMib: g.memoryTotalMib ?? null, samples };
    });
    return { kind: 'gpu', t, gpus, selection: { ...this.selection, uuids: [...this.selection.uuids], notes: [...this.selection.notes] } };
  }
}

/** Fake samplers for a script, in the order the session reads them (tree first: it advances the clock). */
export function fakeSamplers(script: FakeScript, now: () => number = Date.now): Sampler[] {
  const s = new Script(script, now);
  const out: Sampler[] = [new FakeTree(s), new FakeMachine(s)];
  if (script.steps.some((x) => x.packageW !== undefined)) out.push(new FakeRapl(s));
  if (script.gpus && script.gpus.length > 0) out.push(new FakeGpus(s));
  return out;
}
