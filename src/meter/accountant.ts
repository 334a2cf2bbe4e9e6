/**
 * Raw readings -> component power and energy, with the core formulas (src/core/energy) and a
 * method/model label for every component (shared/DESIGN.md principle 1):
 *
 * - CPU with RAPL: package energy (wrap-aware deltas, summed over sockets) x the tree's share
 *   (attribution 'busy-share' by default: tree CPU / machine busy CPU; 'machine' charges it all).
 * - CPU without RAPL: the caller's CpuPowerModel at the tree's utilisation (tree cores / capacity).
 * - Memory: RAPL dram when present (then no memory model: that would count DRAM twice, CodeCarbon
 *   #1268), charged by the tree's share of used memory; otherwise W/GB x the tree's resident memory.
 * - GPU: nvidia-smi power.draw integrated by trapezoid for the GPUs charged to the run.
 */
import {
  type AttributionMode,
  type ComponentEnergy,
  type CpuPowerModel,
  DEFAULT_ATTRIBUTION_MODE,
  DEFAULT_MEMORY_W_PER_GB,
  GreenmlError,
  type Method,
  attributionShare,
  clampShare,
  cpuCapacityCores,
  cpuPowerW,
  describeAttribution,
  describeCpuModel,
  gbFromBytes,
  kwhFromJoules,
  memoryPowerW,
  raplDelta,
  raplDeltaPlausible,
  trapezoidJ,
  utilizationFromCores,
} from '../core/index.js';
import type { GpuPowerSample, GpuReading, MachineReading, ProcessTreeReading, RaplReading } from './sampler.js';

/**
 * Above this a RAPL zone's delta cannot be real (two wraps, a glitch, a suspend): 1000 W per zone,
 * the ceiling Zeus uses for its wraparound guard (zeus/device/cpu/rapl.py, 2024); the largest server
 * packages draw about 500 W (AMD EPYC 9965 TDP, 2024).
 */
export const DEFAULT_MAX_ZONE_POWER_W = 1000;

export interface AccountantOptions {
  /** How machine-level RAPL energy is shared with the tree; 'busy-share' by default. */
  attribution?: AttributionMode;
  /** Model for CPU power when there is no RAPL (found in the catalog by the caller); none: CPU not estimated. */
  cpuModel?: CpuPowerModel | null;
  /** W per GB of resident memory for the memory model (core DEFAULT_MEMORY_W_PER_GB, 0.3725). */
  memoryWPerGb?: number;
  /** Logical CPUs of the machine, for utilisation when the model does not say its capacity. */
  logicalCpus: number;
  maxZonePowerW?: number;
}

export interface IntervalInput {
  /** End of the interval, epoch ms. */
  t: number;
  tree?: ProcessTreeReading | null;
  machine?: MachineReading | null;
  rapl?: RaplReading | null;
  gpu?: GpuReading | null;
  /** The last interval of the run: GPU power holds from the last sample to t. */
  final?: boolean;
}

export interface IntervalEnergy {
  t: number;
  dtS: number;
  cpuJ: number | null;
  gpuJ: number | null;
  memoryJ: number | null;
  cpuCores: number | null;
  memoryBytes: number | null;
  gpuUtilPct: number | null;
  detail: Record<string, unknown>;
}

interface Tally {
  joules: number;
  byLabel: Map<string, { method: Method; model: string; joules: number }>;
}

const newTally = (): Tally => ({ joules: 0, byLabel: new Map() });

function charge(tally: Tally, method: Method, model: string, joules: number): void {
  tally.joules += joules;
  const key = `${method}|${model}`;
  const entry = tally.byLabel.get(key) ?? { method, model, joules: 0 };
  entry.joules += joules;
  tally.byLabel.set(key, entry);
}

interface GpuState {
  name: string;
  index: number;
  last: GpuPowerSample | null;
  joules: number;
  chargedJoules: number;
  anyPower: boolean;
  samples: number;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export class EnergyAccountant {
  private readonly mode: AttributionMode;
  private readonly cpuModel: CpuPowerModel | null;
  private readonly wPerGb: number;
  private readonly maxZonePowerW: number;
  private startT: number | null = null;
  private lastT: number | null = null;
  private prevTree: ProcessTreeReading | null = null;
  private prevMachine: MachineReading | null = null;
  private prevRapl: RaplReading | null = null;
  private lastZoneW = new Map<string, number>();
  private readonly cpu = newTally();
  private readonly memory = newTally();
  private readonly gpu = newTally();
  private readonly gpus = new Map<string, GpuState>();
  private gpuSeen = false;
  private lastSelection: GpuReading['selection'] | null = null;
  private readonly notes = new Set<string>();
  private wraps = 0;
  private implausible = 0;
  private cpuUnknownS = 0;

  constructor(private readonly options: AccountantOptions) {
    this.mode = options.attribution ?? DEFAULT_ATTRIBUTION_MODE;
    this.cpuModel = options.cpuModel ?? null;
    this.wPerGb = options.memoryWPerGb ?? DEFAULT_MEMORY_W_PER_GB;
    this.maxZonePowerW = options.maxZonePowerW ?? DEFAULT_MAX_ZONE_POWER_W;
    if (!(options.logicalCpus >= 1)) throw new GreenmlError('INVALID_INPUT', `Logical CPU count must be at least 1, got ${options.logicalCpus}.`);
  }

  /** The readings at the start of the run. The tree's CPU counts from zero (it has just been spawned). */
  begin(input: IntervalInput): void {
    this.startT = input.t;
    this.lastT = input.t;
    this.prevTree = input.tree ? { ...input.tree, cpuS: 0, procfsCpuS: 0 } : null;
    this.prevMachine = input.machine ?? null;
    this.prevRapl = input.rapl ?? null;
    if (input.gpu) this.absorbGpu(input.gpu, input.t, false);
  }

  /**
   * New baselines after a pause (the tree was stopped with SIGSTOP): the time since the last
   * reading is charged to no one. Counters keep counting (the tree's CPU is not reset as in begin),
   * and GPU power samples that arrived while paused are dropped: the next trapezoid starts here.
   */
  rebase(input: IntervalInput): void {
    if (this.lastT === null) throw new GreenmlError('INTERNAL', 'EnergyAccountant.rebase called before begin.');
    this.lastT = input.t;
    if (input.tree) this.prevTree = input.tree;
    if (input.machine) this.prevMachine = input.machine;
    if (input.rapl) this.prevRapl = input.rapl;
    for (const g of input.gpu?.gpus ?? []) {
      const state = this.gpus.get(g.uuid);
      const last = [...g.samples].reverse().find((s) => s.powerW !== null) ?? state?.last ?? null;
      if (state && last) state.last = { ...last, t: input.t };
    }
  }

  update(input: IntervalInput): IntervalEnergy {
    if (this.lastT === null) throw new GreenmlError('INTERNAL', 'EnergyAccountant.update called before begin.');
    const dtS = Math.max(0, (input.t - this.lastT) / 1000);
    this.lastT = input.t;
    const detail: Record<string, unknown> = {};

    // Process tree and machine CPU over the interval.
    let treeCpuS: number | null = null;
    let cpuCores: number | null = null;
    if (input.tree && this.prevTree) {
      treeCpuS = Math.max(0, input.tree.cpuS - this.prevTree.cpuS);
      const treeDt = (input.tree.t - this.prevTree.t) / 1000;
      cpuCores = treeDt > 0 ? treeCpuS / treeDt : null;
      detail['tree'] = { cpuS: round(treeCpuS, 4), source: input.tree.cpuSource, pids: input.tree.pids.length, rssBytes: input.tree.rssBytes };
    }
    if (input.tree) this.prevTree = input.tree;
    let busyCpuS: number | undefined;
    let totalCpuS: number | undefined;
    if (input.machine && this.prevMachine) {
      busyCpuS = Math.max(0, input.machine.busyS - this.prevMachine.busyS);
      totalCpuS = Math.max(0, input.machine.totalS - this.prevMachine.totalS);
      detail['machine'] = { busyCpuS: round(busyCpuS, 4), totalCpuS: round(totalCpuS, 4) };
    }
    const machine = input.machine ?? this.prevMachine;
    if (input.machine) this.prevMachine = input.machine;

    // RAPL zones.
    let packageJ: number | null = null;
    let dramJ: number | null = null;
    if (input.rapl && this.prevRapl && dtS > 0) {
      const zones: Record<string, unknown> = {};
      packageJ = 0;
      for (const z of input.rapl.zones) {
        const prev = this.prevRapl.zones.find((p) => p.key === z.key);
        if (!prev) continue;
        const d = raplDelta(prev.energyUj, z.energyUj, z.maxEnergyRangeUj);
        const zoneDt = (input.rapl.t - this.prevRapl.t) / 1000;
        let joules = d.deltaUj / 1e6;
        const plausible = raplDeltaPlausible(d.deltaUj, zoneDt, this.maxZonePowerW);
        if (d.wrapped) this.wraps++;
        if (!plausible) {
          // Charge the zone's previous power for the interval rather than an impossible jump.
          this.implausible++;
          joules = (this.lastZoneW.get(z.key) ?? 0) * zoneDt;
          this.notes.add(`${this.implausible} RAPL reading(s) implied more than ${this.maxZonePowerW} W in a zone (counter glitch, double wrap or suspend): the zone's previous power was used for those intervals`);
        } else if (zoneDt > 0) this.lastZoneW.set(z.key, joules / zoneDt);
        if (!d.exact) this.notes.add('a RAPL counter went down without a known wrap point (max_energy_range_uj unreadable): the energy since it restarted was counted, a lower bound');
        zones[z.key] = { energyUj: z.energyUj, deltaUj: d.deltaUj, ...(d.wrapped ? { wrapped: true } : {}), ...(plausible ? {} : { implausible: true }) };
        if (z.domain === 'package') packageJ += joules;
        else if (z.domain === 'dram') dramJ = (dramJ ?? 0) + joules;
      }
      detail['rapl'] = { zones, packageW: dtS > 0 ? round(packageJ / dtS) : null, ...(dramJ !== null ? { dramW: round(dramJ / dtS) } : {}) };
    }
    if (input.rapl) this.prevRapl = input.rapl;

    const cpuJ = this.cpuEnergy({ packageJ, treeCpuS, busyCpuS, totalCpuS, cpuCores, dtS, detail });
    const memoryBytes = input.tree ? input.tree.rssBytes : null;
    const memoryJ = this.memoryEnergy({ dramJ, memoryBytes, machine, dtS, detail });
    const gpu = input.gpu ? this.absorbGpu(input.gpu, input.t, input.final === true) : null;
    if (gpu) detail['gpus'] = gpu.detail;

    return { t: input.t, dtS, cpuJ, gpuJ: gpu ? gpu.chargedJ : null, memoryJ, cpuCores, memoryBytes, gpuUtilPct: gpu ? gpu.utilPct : null, detail };
  }

  private cpuEnergy(a: { packageJ: number | null; treeCpuS: number | null; busyCpuS: number | undefined; totalCpuS: number | undefined; cpuCores: number | null; dtS: number; detail: Record<string, unknown> }): number | null {
    if (a.packageJ !== null) {
      let mode = this.mode;
      if (mode !== 'machine' && a.treeCpuS === null) {
        this.cpuUnknownS += a.dtS;
        return null;
      }
      if ((mode === 'busy-share' || mode === 'active-share') && a.busyCpuS === undefined) {
        mode = 'capacity-share';
        this.notes.add('/proc/stat could not be read for some intervals: their CPU energy was shared by capacity (tree CPU / all CPUs) instead');
      }
      const share = attributionShare(mode, { energy: a.packageJ, treeCpuS: a.treeCpuS ?? 0, busyCpuS: a.busyCpuS, totalCpuS: a.totalCpuS, nCpus: this.options.logicalCpus, wallS: a.dtS });
      a.detail['cpu'] = { share: round(share, 4), mode };
      const joules = a.packageJ * share;
      charge(this.cpu, 'measured-counter', `RAPL package, ${describeAttribution(mode)}`, joules);
      return joules;
    }
    if (this.cpuModel && a.cpuCores !== null) {
      const capacity = cpuCapacityCores(this.cpuModel) ?? this.options.logicalCpus;
      const u = utilizationFromCores(a.cpuCores, capacity);
      const joules = cpuPowerW(this.cpuModel, u) * a.dtS;
      a.detail['cpu'] = { utilization: round(u, 4), capacityCores: capacity };
      charge(this.cpu, 'modeled', `${describeCpuModel(this.cpuModel)} at the process tree's utilisation`, joules);
      return joules;
    }
    this.cpuUnknownS += a.dtS;
    return null;
  }

  private memoryEnergy(a: { dramJ: number | null; memoryBytes: number | null; machine: MachineReading | null; dtS: number; detail: Record<string, unknown> }): number | null {
    if (a.dramJ !== null) {
      let share = 1;
      if (this.mode !== 'machine') {
        const m = a.machine;
        const used = m && m.memTotalBytes !== null && m.memAvailableBytes !== null ? m.memTotalBytes - m.memAvailableBytes : (m?.memTotalBytes ?? null);
        share = a.memoryBytes !== null && used !== null ? clampShare(a.memoryBytes, used) : 0;
      }
      const joules = a.dramJ * share;
      a.detail['memory'] = { share: round(share, 4) };
      charge(this.memory, 'measured-counter', this.mode === 'machine' ? 'RAPL dram, whole machine' : "RAPL dram, the tree's share of used memory", joules);
      return joules;
    }
    if (a.memoryBytes === null) return null;
    const joules = memoryPowerW(gbFromBytes(a.memoryBytes), this.wPerGb) * a.dtS;
    charge(this.memory, 'modeled', `${this.wPerGb} W/GB x process tree resident memory`, joules);
    return joules;
  }

  private absorbGpu(reading: GpuReading, t: number, final: boolean): { chargedJ: number | null; utilPct: number | null; detail: Record<string, unknown> } {
    this.gpuSeen = true;
    this.lastSelection = reading.selection;
    const charged = new Set(reading.selection.uuids);
    let chargedJ = 0;
    let chargedWithPower = 0;
    let utilSum = 0;
    let utilN = 0;
    const detail: Record<string, unknown> = {};
    for (const g of reading.gpus) {
      const state = this.gpus.get(g.uuid) ?? { name: g.name, index: g.index, last: null, joules: 0, chargedJoules: 0, anyPower: false, samples: 0 };
      this.gpus.set(g.uuid, state);
      const powered = g.samples.filter((s) => s.powerW !== null);
      const points = (state.last ? [state.last, ...powered] : powered).map((s) => ({ t: s.t, powerW: s.powerW as number }));
      let joules = points.length >= 2 ? trapezoidJ(points) : 0;
      const first = powered[0];
      // The stream's first line comes a moment after the start: hold it back to the start.
      if (!state.last && first && this.startT !== null && first.t > this.startT) joules += (first.powerW as number) * ((first.t - this.startT) / 1000);
      const last = powered[powered.length - 1] ?? state.last;
      if (last) state.last = last;
      if (final && last && t > last.t) joules += (last.powerW as number) * ((t - last.t) / 1000);
      state.joules += joules;
      state.anyPower ||= powered.length > 0;
      state.samples += g.samples.length;
      if (charged.has(g.uuid)) {
        state.chargedJoules += joules;
        chargedJ += joules;
        if (state.anyPower) chargedWithPower++;
        for (const s of g.samples) {
          if (s.utilPct !== null) {
            utilSum += s.utilPct;
            utilN++;
          }
        }
      }
      const mean = powered.length > 0 ? powered.reduce((acc, s) => acc + (s.powerW as number), 0) / powered.length : null;
      detail[String(g.index)] = { powerW: mean === null ? null : round(mean, 2), energyJ: round(joules, 3), charged: charged.has(g.uuid) };
    }
    if (this.startT !== null && t > this.startT) charge(this.gpu, 'measured-sampled', 'nvidia-smi power.draw, trapezoid', chargedJ);
    const unsupportedOnly = charged.size > 0 && chargedWithPower === 0;
    return { chargedJ: unsupportedOnly ? null : chargedJ, utilPct: utilN > 0 ? utilSum / utilN : null, detail };
  }

  totals(): { cpuJ: number; gpuJ: number; memoryJ: number } {
    return { cpuJ: this.cpu.joules, gpuJ: this.gpu.joules, memoryJ: this.memory.joules };
  }

  /** Energy per component for the whole run, with method and model, and the caveats a reader must see. */
  summary(): { components: ComponentEnergy[]; notes: string[] } {
    const components: ComponentEnergy[] = [];
    const notes = [...this.notes];
    const push = (component: ComponentEnergy['component'], tally: Tally, extra?: string): void => {
      const labels = [...tally.byLabel.values()].sort((a, b) => b.joules - a.joules);
      const main = labels[0];
      if (!main) return;
      const split = labels.length > 1 ? labels.map((l) => `${l.model} (${l.method}): ${round(kwhFromJoules(l.joules), 9)} kWh`).join('; ') : undefined;
      const detail = [split, extra].filter(Boolean).join('; ');
      components.push({ component, energyKwh: kwhFromJoules(tally.joules), method: main.method, model: main.model, ...(detail ? { detail } : {}) });
    };
    if (this.wraps > 0) notes.push(`${this.wraps} RAPL counter wrap(s) undone with max_energy_range_uj`);
    push('cpu', this.cpu);
    if (this.cpu.byLabel.size === 0) notes.push('CPU energy not estimated: no readable RAPL counter and no CPU power model (give the CPU or instance so a model can be chosen)');
    else if (this.cpuUnknownS > 0) notes.push(`CPU energy unknown for ${round(this.cpuUnknownS, 1)} s of the run (the process tree could not be read)`);
    push('memory', this.memory);
    if (this.gpuSeen) this.summariseGpus(notes, push);
    return { components, notes };
  }

  private summariseGpus(notes: string[], push: (c: ComponentEnergy['component'], t: Tally, extra?: string) => void): void {
    const sel = this.lastSelection;
    if (!sel) return;
    notes.push(...sel.notes);
    const charged = sel.uuids.map((u) => this.gpus.get(u)).filter((g): g is GpuState => g !== undefined);
    const unsupported = charged.filter((g) => !g.anyPower);
    for (const g of unsupported) {
      notes.push(`GPU power unsupported: nvidia-smi reports no power.draw for GPU ${g.index} (${g.name}), so its energy is not measured (not counted as 0 kWh)`);
    }
    if (sel.uuids.length === 0) {
      if (sel.rule !== 'cuda-visible-devices') notes.push('no process of the run used a GPU (nvidia-smi --query-compute-apps): no GPU energy charged');
      return;
    }
    const measured = charged.filter((g) => g.anyPower);
    if (measured.length === 0) return;
    const names = [...new Set(measured.map((g) => g.name))];
    const byRule = { 'cuda-visible-devices': 'chosen by CUDA_VISIBLE_DEVICES', 'process-tree': 'used by the process tree', 'all-gpus': 'all GPUs', none: '' }[sel.rule];
    const model = `nvidia-smi power.draw, trapezoid (${measured.length} x ${names.join(', ')}, ${byRule})`;
    this.gpu.byLabel = new Map([[model, { method: 'measured-sampled', model, joules: this.gpu.joules }]]);
    push('gpu', this.gpu);
  }
}
