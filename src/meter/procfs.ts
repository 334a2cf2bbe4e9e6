/**
 * The process tree of the wrapped command and the machine's CPU, from /proc (proc(5)).
 *
 * Tree CPU: a running sum over the tree's live processes of utime+stime+cutime+cstime. When a
 * process of the tree exits and a parent in the tree reaps it, its whole CPU time moves into the
 * parent's cutime/cstime, so the sum stays right; we only subtract the exited process's last
 * reading (counted already) from the parent's jump. When the reaper is outside the tree (greenml
 * for the root, init for orphans) the CPU used since the last tick leaves with it: the session's
 * final cross-check with greenml's own cutime/cstime catches the root's tail. A cgroup of the run
 * (cgroup.ts), when the machine allows one, counts everything exactly and takes precedence.
 */
import { type CgroupSupport, RunCgroup } from './cgroup.js';
import { type FsReader, messageOf, readTextOrNull, rootedReader } from './fs-reader.js';
import { type ProcStat, meminfoField, parseAuxv, parseProcStat, parseStatmResidentPages, parseSystemStat } from './procfs-parse.js';
import { type MachineReading, type ProbeResult, type ProcessTreeReading, type Sampler, type SamplerContext, available, unavailable } from './sampler.js';

/** USER_HZ on every mainstream Linux architecture (x86, arm64, ppc64, s390x, riscv): include/asm-generic/param.h, used when auxv cannot be read. */
export const DEFAULT_CLK_TCK = 100;
/** 4 KiB pages on x86-64 and default arm64 kernels, used when auxv cannot be read. */
export const DEFAULT_PAGE_SIZE = 4096;

export interface KernelUnits {
  clkTck: number;
  pageSize: number;
  /** 'auxv': AT_CLKTCK/AT_PAGESZ from /proc/self/auxv, the values sysconf(_SC_CLK_TCK) and getpagesize() return. */
  source: 'auxv' | 'default';
}

/** Ticks per second and page size without spawning `getconf`: the kernel hands both to every process in its aux vector. */
export function detectKernelUnits(reader: FsReader): KernelUnits {
  try {
    const { clkTck, pageSize } = parseAuxv(reader.readBytes('/proc/self/auxv'), new Uint8Array(new Uint16Array([1]).buffer)[0] === 1);
    if (clkTck && clkTck > 0) return { clkTck, pageSize: pageSize && pageSize > 0 ? pageSize : DEFAULT_PAGE_SIZE, source: 'auxv' };
  } catch {
    // fall through to the defaults
  }
  return { clkTck: DEFAULT_CLK_TCK, pageSize: DEFAULT_PAGE_SIZE, source: 'default' };
}

interface Member {
  pid: number;
  starttime: number;
  ppid: number;
  /** utime+stime+cutime+cstime at the last read, ticks. */
  ticks: number;
  state: string;
}

const totalTicks = (s: ProcStat): number => s.utime + s.stime + s.cutime + s.cstime;

export interface ProcessTreeOptions {
  reader?: FsReader;
  units?: KernelUnits;
  /** Probed cgroup v2 support; null or absent: /proc only. */
  cgroup?: CgroupSupport | null;
  /**
   * Read every /proc/<pid>/stat (not only new PIDs) this often, seconds, to catch a PID reused
   * between two ticks. 30 s by default: a full scan costs about 15 us per process on the machine.
   */
  fullScanEveryS?: number;
  now?: () => number;
}

export interface ProcessTreeStatus {
  discovery: 'children-files' | 'proc-scan';
  /** The run's cgroup while it exists (null before start and after stop). */
  cgroup: string | null;
  /** Whether CPU came from a run cgroup at some point of the run. */
  usedCgroup: boolean;
  /** Why the run has no cgroup of its own (or lost it), when it has none. */
  cgroupReason: string | null;
  /** Processes the workload left running, moved out of the run's cgroup at the end. */
  cgroupLeftovers: number;
  units: KernelUnits;
}

export class ProcessTreeSampler implements Sampler<ProcessTreeReading> {
  readonly id = 'process-tree' as const;
  private readonly reader: FsReader;
  private readonly units: KernelUnits;
  private readonly now: () => number;
  private readonly fullScanEveryMs: number;
  private lastFullScan = -Infinity;
  private discovered = false;
  private usedCgroup = false;
  private rootPid = 0;
  private members = new Map<number, Member>();
  private seen = new Set<number>();
  private accumulatedTicks = 0;
  private childrenFiles = false;
  private runCgroup: RunCgroup | null = null;
  private cgroupOffsetS = 0;
  private cgroupReason: string | null = null;
  private cgroupLeftovers = 0;
  /** When the cgroup stops answering mid-run, /proc continues from where it stood. */
  private fallbackFrom: { cpuS: number; procfsCpuS: number } | null = null;
  private lastCgroupCpuS = 0;

  constructor(private readonly options: ProcessTreeOptions = {}) {
    this.reader = options.reader ?? rootedReader('/');
    this.units = options.units ?? detectKernelUnits(this.reader);
    this.now = options.now ?? Date.now;
    this.fullScanEveryMs = (options.fullScanEveryS ?? 30) * 1000;
    this.cgroupReason = options.cgroup ? null : 'no writable cgroup v2 (see the cgroup probe)';
  }

  async probe(): Promise<ProbeResult> {
    try {
      const self = parseProcStat(this.reader.readText('/proc/self/stat'));
      if (!self) return unavailable('/proc/self/stat has an unexpected format');
      return available({ clkTck: this.units.clkTck, pageSize: this.units.pageSize, unitsFrom: this.units.source, childrenFiles: this.reader.exists(`/proc/self/task/${self.pid}/children`) });
    } catch (e) {
      return unavailable(`/proc cannot be read (${messageOf(e)}): the process tree's CPU time is unknown`, 'mount procfs at /proc (in containers, do not mask it)');
    }
  }

  async start(ctx: SamplerContext): Promise<void> {
    this.rootPid = ctx.rootPid;
    this.childrenFiles = this.reader.exists(`/proc/${ctx.rootPid}/task/${ctx.rootPid}/children`);
    const root = this.stat(ctx.rootPid);
    if (root) {
      this.members.set(root.pid, { pid: root.pid, starttime: root.starttime, ppid: root.ppid, ticks: totalTicks(root), state: root.state });
      this.accumulatedTicks = totalTicks(root);
    }
    if (this.options.cgroup && root) this.joinCgroup(this.options.cgroup, root);
  }

  private joinCgroup(support: CgroupSupport, root: ProcStat): void {
    try {
      this.runCgroup = RunCgroup.create(this.reader, support, `greenml-${process.pid}-${root.pid}`);
      // CPU the child used before the move stays with the old cgroup; count it from /proc.
      const before = this.stat(root.pid);
      this.runCgroup.addPid(root.pid);
      this.cgroupOffsetS = totalTicks(before ?? root) / this.units.clkTck;
      this.runCgroup.read();
      this.usedCgroup = true;
    } catch (e) {
      this.cgroupReason = `could not give the run its own cgroup (${messageOf(e)})`;
      if (this.runCgroup) this.cgroupLeftovers += this.runCgroup.remove().leftovers;
      this.runCgroup = null;
    }
  }

  status(): ProcessTreeStatus {
    return {
      discovery: this.childrenFiles ? 'children-files' : 'proc-scan',
      cgroup: this.runCgroup?.path ?? null,
      usedCgroup: this.usedCgroup,
      cgroupReason: this.cgroupReason,
      cgroupLeftovers: this.cgroupLeftovers,
      units: this.units,
    };
  }

  /** `hot` for members, read every tick; candidates of a scan are read once. */
  private stat(pid: number, hot = false): ProcStat | null {
    const text = readTextOrNull(this.reader, `/proc/${pid}/stat`, hot);
    return text === null ? null : parseProcStat(text);
  }

  read(): ProcessTreeReading {
    const t = this.now();
    const alive = new Map<number, ProcStat>();
    const gone: Member[] = [];
    for (const m of this.members.values()) {
      const s = this.stat(m.pid, true);
      if (s && s.starttime === m.starttime) alive.set(m.pid, s);
      else {
        gone.push(m);
        this.seen.delete(m.pid); // a reused PID must be looked at again
      }
    }
    const added = this.discover(alive, t);
    let cg: ReturnType<RunCgroup['read']> | null = null;
    if (this.runCgroup) {
      try {
        cg = this.runCgroup.read();
        for (const pid of cg.pids) {
          if (alive.has(pid)) continue;
          const s = this.stat(pid);
          if (s) {
            alive.set(pid, s);
            added.push(s);
          }
        }
      } catch (e) {
        this.cgroupReason = `the run's cgroup stopped answering (${messageOf(e)}); CPU time continues from /proc`;
        this.fallbackFrom = { cpuS: this.lastCgroupCpuS, procfsCpuS: this.accumulatedTicks / this.units.clkTck };
        this.runCgroup = null;
      }
    }

    let delta = 0;
    for (const [pid, s] of alive) {
      const prev = this.members.get(pid);
      delta += prev && prev.starttime === s.starttime ? totalTicks(s) - prev.ticks : totalTicks(s);
    }
    // An exited process reaped by a surviving process of the tree: the reaper's cutime/cstime jumped
    // by the exited process's whole CPU time, of which the last reading was counted already.
    const goneByPid = new Map(gone.map((m) => [m.pid, m]));
    for (const m of gone) {
      let ancestor = m.ppid;
      for (let hops = 0; goneByPid.has(ancestor) && hops < 64; hops++) ancestor = (goneByPid.get(ancestor) as Member).ppid;
      const reaper = alive.get(ancestor);
      if (reaper && this.members.get(ancestor)?.starttime === reaper.starttime) delta -= m.ticks;
    }
    // A child whose parent ignores SIGCHLD is reaped without being added to cutime: never go backwards.
    this.accumulatedTicks += Math.max(0, delta);

    const next = new Map<number, Member>();
    let rssPages = 0;
    for (const [pid, s] of alive) {
      next.set(pid, { pid, starttime: s.starttime, ppid: s.ppid, ticks: totalTicks(s), state: s.state });
      if (s.state !== 'Z') rssPages += this.residentPages(pid);
    }
    this.members = next;

    const procfsCpuS = this.accumulatedTicks / this.units.clkTck;
    let cpuS = procfsCpuS;
    let cpuSource: ProcessTreeReading['cpuSource'] = 'procfs';
    if (cg) {
      cpuS = this.cgroupOffsetS + cg.usageUsec / 1e6;
      this.lastCgroupCpuS = cpuS;
      cpuSource = 'cgroup';
    } else if (this.fallbackFrom) {
      cpuS = this.fallbackFrom.cpuS + (procfsCpuS - this.fallbackFrom.procfsCpuS);
    }
    return {
      kind: 'process-tree',
      t,
      cpuS,
      cpuSource,
      procfsCpuS,
      rssBytes: rssPages * this.units.pageSize,
      pids: [...alive.keys()],
      rootExited: !alive.has(this.rootPid),
      cgroup: cg ? { path: cg.path, usageUsec: cg.usageUsec, memoryCurrentBytes: cg.memoryCurrentBytes, memoryPeakBytes: cg.memoryPeakBytes } : null,
    };
  }

  private residentPages(pid: number): number {
    const text = readTextOrNull(this.reader, `/proc/${pid}/statm`, true);
    return text === null ? 0 : (parseStatmResidentPages(text) ?? 0);
  }

  /** Adds processes of the tree that were not members yet; returns them. */
  private discover(alive: Map<number, ProcStat>, t: number): ProcStat[] {
    // With a cgroup the kernel lists the members (cgroup.procs): one discovery at the first tick
    // catches what forked before the child was moved in, and none is needed after.
    if (this.runCgroup && this.discovered) return [];
    this.discovered = true;
    return this.childrenFiles ? this.discoverByChildren(alive) : this.discoverByScan(alive, t);
  }

  private discoverByChildren(alive: Map<number, ProcStat>): ProcStat[] {
    const added: ProcStat[] = [];
    const queue = [...alive.keys()];
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      let tids: string[];
      try {
        tids = this.reader.list(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        const text = readTextOrNull(this.reader, `/proc/${pid}/task/${tid}/children`);
        if (!text) continue;
        for (const word of text.split(/\s+/)) {
          const child = Number(word);
          if (!word || alive.has(child)) continue;
          const s = this.stat(child);
          if (!s) continue;
          alive.set(child, s);
          added.push(s);
          queue.push(child);
        }
      }
    }
    return added;
  }

  private discoverByScan(alive: Map<number, ProcStat>, t: number): ProcStat[] {
    let entries: string[];
    try {
      entries = this.reader.list('/proc');
    } catch {
      return [];
    }
    const full = t - this.lastFullScan >= this.fullScanEveryMs;
    if (full) this.lastFullScan = t;
    const candidates = new Map<number, ProcStat>();
    const current = new Set<number>();
    for (const name of entries) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      current.add(pid);
      if (alive.has(pid) || (!full && this.seen.has(pid))) continue;
      const s = this.stat(pid);
      if (s) candidates.set(pid, s);
    }
    this.seen = current;
    const added: ProcStat[] = [];
    // Parents before children: repeat until no candidate joins (a chain forked within one tick).
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, s] of candidates) {
        if (alive.has(s.ppid)) {
          alive.set(pid, s);
          added.push(s);
          candidates.delete(pid);
          grew = true;
        }
      }
    }
    return added;
  }

  async stop(): Promise<void> {
    if (this.runCgroup) {
      const { leftovers, error } = this.runCgroup.remove();
      this.cgroupLeftovers += leftovers;
      if (error) this.cgroupReason = error;
      this.runCgroup = null;
    }
    this.reader.release();
  }
}

/**
 * greenml's own waited-children CPU (cutime+cstime of /proc/self/stat, what getrusage(RUSAGE_CHILDREN)
 * reports), core-seconds: after the child exits this is the exact CPU of every descendant that was
 * waited for, the cross-check for the sampled tree CPU.
 */
export function waitedChildrenCpuS(reader: FsReader = rootedReader('/'), units: KernelUnits = detectKernelUnits(reader)): number | null {
  const self = parseProcStat(readTextOrNull(reader, '/proc/self/stat') ?? '');
  return self ? (self.cutime + self.cstime) / units.clkTck : null;
}

export interface MachineOptions {
  reader?: FsReader;
  units?: KernelUnits;
  now?: () => number;
}

/** Machine-wide CPU time (/proc/stat) and memory (/proc/meminfo). */
export class MachineSampler implements Sampler<MachineReading> {
  readonly id = 'machine' as const;
  private readonly reader: FsReader;
  private readonly units: KernelUnits;
  private readonly now: () => number;

  constructor(options: MachineOptions = {}) {
    this.reader = options.reader ?? rootedReader('/');
    this.units = options.units ?? detectKernelUnits(this.reader);
    this.now = options.now ?? Date.now;
  }

  async probe(): Promise<ProbeResult> {
    try {
      const r = this.read();
      return available({ logicalCpus: r.logicalCpus, memTotalBytes: r.memTotalBytes });
    } catch (e) {
      return unavailable(`/proc/stat cannot be read (${messageOf(e)}): busy-share attribution needs it`);
    }
  }

  async start(): Promise<void> {}

  read(): MachineReading {
    const t = this.now();
    const cpu = parseSystemStat(this.reader.readHot('/proc/stat'));
    if (!cpu) throw new Error('/proc/stat has no aggregate "cpu" line');
    const mem = readTextOrNull(this.reader, '/proc/meminfo', true) ?? '';
    return {
      kind: 'machine',
      t,
      totalS: cpu.total / this.units.clkTck,
      busyS: cpu.busy / this.units.clkTck,
      logicalCpus: cpu.logicalCpus,
      memTotalBytes: meminfoField(mem, 'MemTotal'),
      memAvailableBytes: meminfoField(mem, 'MemAvailable'),
    };
  }

  async stop(): Promise<void> {
    this.reader.release();
  }
}
