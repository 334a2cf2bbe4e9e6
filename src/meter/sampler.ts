/**
 * The sampler port. A sampler is probed before the run (for `greenml doctor` and to choose the
 * energy method), bound to the run's process tree at start, read on every tick, and stopped at
 * the end. Readings are raw: cumulative counters and samples with their units and the time they
 * were taken; the accountant (accountant.ts) turns them into watts and joules with core formulas.
 */

export type ProbeResult =
  | { available: true; detail: Record<string, unknown> }
  | {
      available: false;
      /** What is missing or refused, in words a user can act on. */
      reason: string;
      /** The command or setting that would make it available, when there is one. */
      fix?: string;
    };

export const available = (detail: Record<string, unknown> = {}): ProbeResult => ({ available: true, detail });
export const unavailable = (reason: string, fix?: string): ProbeResult => (fix === undefined ? { available: false, reason } : { available: false, reason, fix });

/** What a sampler learns when the run starts. */
export interface SamplerContext {
  /** PID of the wrapped command (the root of the process tree). */
  rootPid: number;
  /** The environment the command was given (CUDA_VISIBLE_DEVICES is read from here, as the child sees it). */
  childEnv: Readonly<Record<string, string | undefined>>;
  /** PIDs of the process tree at the latest tick (for matching GPU processes). */
  treePids: () => readonly number[];
  /** Epoch ms. */
  now: () => number;
}

/** CPU time and memory of the wrapped process tree. `cpuS` is cumulative since the tree started. */
export interface ProcessTreeReading {
  kind: 'process-tree';
  t: number;
  /** Cumulative CPU of the whole tree, core-seconds, from `cpuSource`. */
  cpuS: number;
  /** 'fake': scripted by GREENML_FAKE_METER (never cross-checked against the real child). */
  cpuSource: 'cgroup' | 'procfs' | 'fake';
  /** The /proc accumulator, always kept for cross-checking the cgroup figure. */
  procfsCpuS: number;
  /** Resident memory of the live processes of the tree, bytes. */
  rssBytes: number;
  pids: number[];
  /** True once the root process has exited. */
  rootExited: boolean;
  cgroup: { path: string; usageUsec: number; memoryCurrentBytes: number | null; memoryPeakBytes: number | null } | null;
}

/** Machine-wide CPU time from /proc/stat and memory from /proc/meminfo, cumulative seconds. */
export interface MachineReading {
  kind: 'machine';
  t: number;
  /** user+nice+system+idle+iowait+irq+softirq+steal (guest is inside user), core-seconds. */
  totalS: number;
  /** total - idle - iowait, core-seconds. */
  busyS: number;
  logicalCpus: number;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
}

export type RaplDomain = 'package' | 'dram' | 'psys';

export interface RaplZoneReading {
  /** Stable key for deltas, e.g. "package-0", "package-1/dram". */
  key: string;
  domain: RaplDomain;
  /** Zone name as the kernel gives it ("package-0", "dram", "psys"). */
  name: string;
  /** sysfs directory, e.g. "/sys/class/powercap/intel-rapl:0". */
  path: string;
  energyUj: number;
  /** Counter wraps after this many microjoules; null when unreadable (then wraps cannot be undone). */
  maxEnergyRangeUj: number | null;
}

export interface RaplReading {
  kind: 'rapl';
  t: number;
  zones: RaplZoneReading[];
}

export interface GpuPowerSample {
  /** Epoch ms when the line arrived. */
  t: number;
  /** null for [N/A] / [Not Supported]: unknown, never zero. */
  powerW: number | null;
  utilPct: number | null;
  memoryUsedMib: number | null;
}

export interface GpuDeviceReading {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMib: number | null;
  /** Samples that arrived since the previous read, oldest first. */
  samples: GpuPowerSample[];
}

export interface GpuReading {
  kind: 'gpu';
  t: number;
  /** Every GPU nvidia-smi lists; `selection.uuids` says which of them are charged to the run. */
  gpus: GpuDeviceReading[];
  /** How the GPUs were chosen and anything a reader must know (MIG, ambiguous order). */
  selection: GpuSelection;
}

export interface GpuSelection {
  /** UUIDs charged to the run. */
  uuids: string[];
  rule: 'cuda-visible-devices' | 'process-tree' | 'all-gpus' | 'none';
  notes: string[];
}

export type Reading = ProcessTreeReading | MachineReading | RaplReading | GpuReading;

export type SamplerId = 'process-tree' | 'machine' | 'rapl' | 'nvidia';

export interface Sampler<R extends Reading = Reading> {
  readonly id: SamplerId;
  probe(): Promise<ProbeResult>;
  /** Bind to the run (spawn streams, move the child into a cgroup). Called once, after probe. */
  start(ctx: SamplerContext): Promise<void>;
  /** Current raw reading. Cheap (a few file reads or a buffer swap) and never waits. */
  read(): R;
  /** Release what start() took (stream processes, the run's cgroup). Safe to call twice. */
  stop(): Promise<void>;
}
